/* simgrid_oracle: an independent reference for src/net's flow-level simulator.
 *
 * Reads a flow file (format below), runs the flows through SimGrid 3.32's
 * CM02 max-min network model and prints each flow's completion time. It is a
 * test and benchmark tool only: nothing in libgigawatt or the CLI links it.
 * tests/net/ORACLE.md explains every SimGrid setting used here and why.
 *
 *   usage: simgrid_oracle [--time] [--routes] FILE
 *
 * Input, one record per line, '#' starts a comment, fields split by blanks:
 *   link <id> <bandwidth_Bps> <latency_s>
 *   flow <id> <bytes> <start_s> <src_host> <dst_host> <link_id> [<link_id> ...]
 * or, for SimGrid's own fat-tree zone (routes chosen by SimGrid):
 *   fattree <levels;down;up;parallel> <bandwidth_Bps> <latency_s>
 *   flow <id> <bytes> <start_s> <src_host> <dst_host>
 *
 * Output on stdout, sorted by flow id:  flow <id> <completion_time_s>  (%.17g).
 * --routes adds one line per flow before those:  route <id> <src> <dst> <n> <link>...
 * --time prints the wall time of platform building and simulation to stderr.
 * Bad input: "FILE:LINE: message" on stderr and exit status 2.
 *
 * Semantics reproduced (tests/net/ORACLE.md): a flow becomes active at
 * start_s + the sum of its links' latencies and uses no bandwidth before; while
 * active, rates are the max-min fair allocation over the links with equal
 * weights; a flow completes when its bytes are through. */

#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sg4 = simgrid::s4u;

namespace {

constexpr int EXIT_BAD_INPUT = 2;
constexpr unsigned long long MAX_HOST = 65535;       /* host ids 0..65535 */
constexpr unsigned long long MAX_ID   = 0xffffffffULL; /* link and flow ids */
constexpr double MAX_EXACT_BYTES      = 9007199254740992.0; /* 2^53 */

struct link_rec {
  double bandwidth_Bps;
  double latency_s;
  long line;
};

struct flow_rec {
  unsigned long long id;
  double bytes;
  double start_s;
  unsigned src;
  unsigned dst;
  std::vector<unsigned long long> route; /* link ids, explicit form only */
  long line;
  double active_s = 0; /* start_s + route latency */
  double done_s   = 0;
  size_t i_route  = 0; /* index of its (src,dst) route */
};

struct fattree_rec {
  bool present = false;
  std::string descriptor;
  unsigned levels = 0;
  std::vector<unsigned> down, up, parallel;
  double bandwidth_Bps = 0;
  double latency_s     = 0;
  long line            = 0;
};

const char* g_file = "";

[[noreturn]] void die_at(long line, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
[[noreturn]] void die_at(long line, const char* fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  if (line > 0)
    std::fprintf(stderr, "%s:%ld: ", g_file, line);
  else
    std::fprintf(stderr, "%s: ", g_file);
  std::vfprintf(stderr, fmt, ap);
  std::fputc('\n', stderr);
  va_end(ap);
  std::exit(EXIT_BAD_INPUT);
}

/* A non-negative decimal integer, digits only, at most max. */
bool parse_uint(const std::string& s, unsigned long long max, unsigned long long* out)
{
  if (s.empty() || s.size() > 20)
    return false;
  unsigned long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    unsigned d = static_cast<unsigned>(c - '0');
    if (v > (max - d) / 10)
      return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

/* A finite number, the whole token. */
bool parse_double(const std::string& s, double* out)
{
  if (s.empty())
    return false;
  char* end = nullptr;
  errno     = 0;
  double v  = std::strtod(s.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || !std::isfinite(v))
    return false;
  *out = v;
  return true;
}

unsigned long long want_uint(const std::vector<std::string>& tok, size_t i, unsigned long long max, const char* what,
                             long line)
{
  unsigned long long v;
  if (!parse_uint(tok[i], max, &v))
    die_at(line, "%s '%s' is not an integer in 0..%llu", what, tok[i].c_str(), max);
  return v;
}

double want_double(const std::vector<std::string>& tok, size_t i, const char* what, long line)
{
  double v;
  if (!parse_double(tok[i], &v))
    die_at(line, "%s '%s' is not a finite number", what, tok[i].c_str());
  return v;
}

/* "levels;down,...;up,...;parallel,..." as in SimGrid's <cluster topology="FAT_TREE" topo_parameters=...>. */
void parse_fattree_descriptor(fattree_rec* ft, long line)
{
  std::vector<std::string> parts;
  std::string cur;
  for (char c : ft->descriptor) {
    if (c == ';') {
      parts.push_back(cur);
      cur.clear();
    } else
      cur.push_back(c);
  }
  parts.push_back(cur);
  if (parts.size() != 4)
    die_at(line, "fat-tree descriptor '%s' must be levels;down;up;parallel (4 fields separated by ';')",
           ft->descriptor.c_str());
  unsigned long long levels;
  if (!parse_uint(parts[0], 16, &levels) || levels == 0)
    die_at(line, "fat-tree levels '%s' is not an integer in 1..16", parts[0].c_str());
  ft->levels = static_cast<unsigned>(levels);
  const char* names[3] = {"down", "up", "parallel"};
  std::vector<unsigned>* vecs[3] = {&ft->down, &ft->up, &ft->parallel};
  for (int k = 0; k < 3; k++) {
    std::string item;
    std::vector<std::string> items;
    for (char c : parts[static_cast<size_t>(k) + 1]) {
      if (c == ',') {
        items.push_back(item);
        item.clear();
      } else
        item.push_back(c);
    }
    items.push_back(item);
    if (items.size() != ft->levels)
      die_at(line, "fat-tree %s vector '%s' has %zu values, the tree has %u levels", names[k],
             parts[static_cast<size_t>(k) + 1].c_str(), items.size(), ft->levels);
    for (const auto& it : items) {
      unsigned long long v;
      if (!parse_uint(it, 65536, &v) || v == 0)
        die_at(line, "fat-tree %s count '%s' is not an integer in 1..65536", names[k], it.c_str());
      vecs[k]->push_back(static_cast<unsigned>(v));
    }
  }
  unsigned long long hosts = 1;
  for (unsigned d : ft->down) {
    hosts *= d;
    if (hosts > MAX_HOST + 1)
      die_at(line, "fat tree '%s' has more than %llu hosts", ft->descriptor.c_str(), MAX_HOST + 1);
  }
}

struct input {
  std::unordered_map<unsigned long long, link_rec> links;
  std::vector<flow_rec> flows;
  fattree_rec fattree;
  long first_link_line = 0;
};

void read_input(const char* path, input* in)
{
  FILE* f = std::fopen(path, "r");
  if (!f) {
    std::fprintf(stderr, "%s: cannot open: %s\n", path, std::strerror(errno));
    std::exit(EXIT_BAD_INPUT);
  }
  std::string text;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
    text.append(buf, n);
  bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (read_error)
    die_at(0, "read error");

  std::unordered_map<unsigned long long, long> flow_line;
  long line = 0;
  size_t pos = 0;
  std::vector<std::string> tok;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos)
      eol = text.size();
    line++;
    tok.clear();
    for (size_t i = pos; i < eol;) {
      char c = text[i];
      if (c == '#')
        break;
      if (c == ' ' || c == '\t' || c == '\r') {
        i++;
        continue;
      }
      size_t j = i;
      while (j < eol && text[j] != ' ' && text[j] != '\t' && text[j] != '\r' && text[j] != '#')
        j++;
      tok.emplace_back(text, i, j - i);
      i = j;
    }
    pos = eol + 1;
    if (tok.empty())
      continue;

    if (tok[0] == "link") {
      if (tok.size() != 4)
        die_at(line, "link needs 3 fields: link <id> <bandwidth_Bps> <latency_s>");
      if (in->fattree.present)
        die_at(line, "link records cannot be mixed with a fattree record (line %ld)", in->fattree.line);
      unsigned long long id = want_uint(tok, 1, MAX_ID, "link id", line);
      link_rec l{want_double(tok, 2, "bandwidth", line), want_double(tok, 3, "latency", line), line};
      if (!(l.bandwidth_Bps > 0))
        die_at(line, "link %llu: bandwidth must be > 0, got %s", id, tok[2].c_str());
      if (l.latency_s < 0)
        die_at(line, "link %llu: latency must be >= 0, got %s", id, tok[3].c_str());
      auto [it, fresh] = in->links.try_emplace(id, l);
      if (!fresh)
        die_at(line, "link %llu already defined at line %ld", id, it->second.line);
      if (!in->first_link_line)
        in->first_link_line = line;
    } else if (tok[0] == "fattree") {
      if (tok.size() != 4)
        die_at(line, "fattree needs 3 fields: fattree <levels;down;up;parallel> <bandwidth_Bps> <latency_s>");
      if (in->fattree.present)
        die_at(line, "second fattree record (the first is at line %ld)", in->fattree.line);
      if (in->first_link_line)
        die_at(line, "a fattree record cannot be mixed with link records (line %ld)", in->first_link_line);
      fattree_rec& ft  = in->fattree;
      ft.present       = true;
      ft.line          = line;
      ft.descriptor    = tok[1];
      ft.bandwidth_Bps = want_double(tok, 2, "bandwidth", line);
      ft.latency_s     = want_double(tok, 3, "latency", line);
      if (!(ft.bandwidth_Bps > 0))
        die_at(line, "fattree: bandwidth must be > 0, got %s", tok[2].c_str());
      if (ft.latency_s < 0)
        die_at(line, "fattree: latency must be >= 0, got %s", tok[3].c_str());
      parse_fattree_descriptor(&ft, line);
    } else if (tok[0] == "flow") {
      if (tok.size() < 6)
        die_at(line, "flow needs at least 5 fields: flow <id> <bytes> <start_s> <src_host> <dst_host> [<link_id> ...]");
      flow_rec fl;
      fl.line    = line;
      fl.id      = want_uint(tok, 1, MAX_ID, "flow id", line);
      fl.bytes   = want_double(tok, 2, "bytes", line);
      fl.start_s = want_double(tok, 3, "start time", line);
      fl.src     = static_cast<unsigned>(want_uint(tok, 4, MAX_HOST, "source host", line));
      fl.dst     = static_cast<unsigned>(want_uint(tok, 5, MAX_HOST, "destination host", line));
      if (fl.bytes < 0 || fl.bytes != std::floor(fl.bytes) || fl.bytes > MAX_EXACT_BYTES)
        die_at(line, "flow %llu: bytes must be a whole number in 0..2^53 (SimGrid sizes are integers), got %s", fl.id,
               tok[2].c_str());
      if (fl.start_s < 0)
        die_at(line, "flow %llu: start time must be >= 0, got %s", fl.id, tok[3].c_str());
      for (size_t i = 6; i < tok.size(); i++)
        fl.route.push_back(want_uint(tok, i, MAX_ID, "link id", line));
      auto [it, fresh] = flow_line.try_emplace(fl.id, line);
      if (!fresh)
        die_at(line, "flow %llu already defined at line %ld", fl.id, it->second);
      in->flows.push_back(std::move(fl));
    } else {
      die_at(line, "unknown record '%s' (expected link, flow or fattree)", tok[0].c_str());
    }
  }

  /* Checks that need the whole file: links may be declared after the flows. */
  for (const flow_rec& fl : in->flows) {
    if (in->fattree.present) {
      if (!fl.route.empty())
        die_at(fl.line, "flow %llu lists links, but routes come from the fattree record (line %ld)", fl.id,
               in->fattree.line);
    } else if (fl.route.empty()) {
      die_at(fl.line, "flow %llu has no links (and there is no fattree record)", fl.id);
    }
    for (size_t i = 0; i < fl.route.size(); i++) {
      if (in->links.find(fl.route[i]) == in->links.end())
        die_at(fl.line, "flow %llu: link %llu is not defined", fl.id, fl.route[i]);
      for (size_t j = 0; j < i; j++)
        if (fl.route[j] == fl.route[i])
          die_at(fl.line, "flow %llu: link %llu appears twice in the route", fl.id, fl.route[i]);
    }
  }
}

double seconds_since(std::chrono::steady_clock::time_point t0)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/* The label digits of the node at (level, position): digit d has radix
 * up[d] below the node's level and down[d] from it on (FatTreeZone::generate_labels). */
std::vector<unsigned long long> fattree_label(const fattree_rec& ft, unsigned level, unsigned long long position)
{
  std::vector<unsigned long long> label(ft.levels);
  for (unsigned d = 0; d < ft.levels; d++) {
    unsigned long long radix = d < level ? ft.up[d] : ft.down[d];
    label[d]                 = position % radix;
    position /= radix;
  }
  return label;
}

unsigned long long fattree_position(const fattree_rec& ft, unsigned level, const std::vector<unsigned long long>& label)
{
  unsigned long long position = 0, weight = 1;
  for (unsigned d = 0; d < ft.levels; d++) {
    position += label[d] * weight;
    weight *= d < level ? ft.up[d] : ft.down[d];
  }
  return position;
}

/* Decodes a FatTreeZone link name "link_from_<child id>_<parent id>_<uid>_UP|_DOWN"
 * into "up|down:L<l>.<child position>-L<l+1>.<parent position>#<parallel index>".
 * FatTreeZone::add_link numbers links uid = 0, 1, ... in creation order:
 * children by level then position, then each child's related parents by
 * position (they differ only in label digit l), then the parallel index
 * 0..p[l]-1 (ORACLE.md). */
std::string fattree_link_label(const fattree_rec& ft, const std::vector<unsigned long long>& nodes_by_level,
                               const std::string& name)
{
  /* The uid is the third number; node ids may be negative ints. */
  long long child_id, parent_id;
  unsigned long long uid;
  char dir[8] = "";
  if (std::sscanf(name.c_str(), "link_from_%lld_%lld_%llu_%7s", &child_id, &parent_id, &uid, dir) != 4)
    return name;
  unsigned long long start = 0;
  for (unsigned l = 0; l < ft.levels; l++) {
    unsigned long long per_child = static_cast<unsigned long long>(ft.up[l]) * ft.parallel[l];
    unsigned long long count     = nodes_by_level[l] * per_child;
    if (uid < start + count) {
      unsigned long long o    = uid - start;
      unsigned long long cpos = o / per_child;
      unsigned long long r    = o % per_child;
      std::vector<unsigned long long> label = fattree_label(ft, l, cpos);
      label[l]                              = r / ft.parallel[l];
      unsigned long long ppos               = fattree_position(ft, l + 1, label);
      /* Cross-check with the node ids in the name: hosts are numbered by
       * position, switches (FatTreeZone::generate_switches) 2N-1, 2N-2, ...
       * by level then position, as an int. */
      auto node_id = [&nodes_by_level](unsigned level, unsigned long long position) {
        if (level == 0)
          return std::to_string(position);
        unsigned long long s = position;
        for (unsigned k = 1; k < level; k++)
          s += nodes_by_level[k];
        return std::to_string(static_cast<int>(2 * nodes_by_level[0] - 1 - s));
      };
      std::string expect = "link_from_" + node_id(l, cpos) + "_" + node_id(l + 1, ppos) + "_";
      if (name.compare(0, expect.size(), expect) != 0)
        return name + "?"; /* not the numbering ORACLE.md describes */
      char out[160];
      std::snprintf(out, sizeof out, "%s:L%u.%llu-L%u.%llu#%llu", std::strcmp(dir, "UP") == 0 ? "up" : "down", l, cpos,
                    l + 1, ppos, r % ft.parallel[l]);
      return out;
    }
    start += count;
  }
  return name + "?";
}

} // namespace

int main(int argc, char** argv)
{
  bool want_time   = false;
  bool want_routes = false;
  const char* path = nullptr;
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--time") == 0)
      want_time = true;
    else if (std::strcmp(argv[i], "--routes") == 0)
      want_routes = true;
    else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      std::fprintf(stderr, "simgrid_oracle: unknown option '%s'\nusage: simgrid_oracle [--time] [--routes] FILE\n",
                   argv[i]);
      return EXIT_BAD_INPUT;
    } else if (path) {
      std::fprintf(stderr, "usage: simgrid_oracle [--time] [--routes] FILE\n");
      return EXIT_BAD_INPUT;
    } else
      path = argv[i];
  }
  if (!path) {
    std::fprintf(stderr, "usage: simgrid_oracle [--time] [--routes] FILE\n");
    return EXIT_BAD_INPUT;
  }
  g_file = path;

  auto t_start = std::chrono::steady_clock::now();
  input in;
  read_input(path, &in);
  std::vector<flow_rec>& flows = in.flows;
  double t_parse = seconds_since(t_start);

  /* Two flows with the same (src, dst) must have the same route (the lead's
   * simulator routes per host pair). Each distinct pair is one route. */
  std::map<std::pair<unsigned, unsigned>, size_t> pair_route;
  std::vector<size_t> route_flow; /* first flow of each route */
  for (size_t i = 0; i < flows.size(); i++) {
    flow_rec& fl     = flows[i];
    auto [it, fresh] = pair_route.try_emplace({fl.src, fl.dst}, route_flow.size());
    if (fresh)
      route_flow.push_back(i);
    else if (!in.fattree.present && flows[route_flow[it->second]].route != fl.route)
      die_at(fl.line, "flow %llu (%u -> %u): route differs from flow %llu's (line %ld) with the same hosts", fl.id,
             fl.src, fl.dst, flows[route_flow[it->second]].id, flows[route_flow[it->second]].line);
    fl.i_route = it->second;
  }
  unsigned long long ft_hosts = 1;
  if (in.fattree.present) {
    for (unsigned d : in.fattree.down)
      ft_hosts *= d;
    for (const flow_rec& fl : flows)
      if (fl.src >= ft_hosts || fl.dst >= ft_hosts)
        die_at(fl.line, "flow %llu: host %u is not in the fat tree (hosts 0..%llu)", fl.id,
               fl.src >= ft_hosts ? fl.src : fl.dst, ft_hosts - 1);
  }

  /* ---- SimGrid set-up. Every setting is explained in tests/net/ORACLE.md. */
  int sg_argc       = 1;
  char prog[]       = "simgrid_oracle";
  char* sg_argv[]   = {prog, nullptr};
  sg4::Engine engine(&sg_argc, sg_argv);
  xbt_log_control_set("root.thresh:warning"); /* no "Configuration change" chatter */
  /* CM02: plain max-min sharing (Casanova & Marchal 2002), no TCP corrections. */
  sg4::Engine::set_config("network/model:CM02");
  /* CM02's defaults, stated so that a changed default cannot change the oracle. */
  sg4::Engine::set_config("network/latency-factor", 1.0);
  sg4::Engine::set_config("network/bandwidth-factor", 1.0);
  sg4::Engine::set_config("network/weight-S", 0.0);
  /* 3.32 defaults to yes: each flow would also load its reverse route at 5%. */
  sg4::Engine::set_config("network/crosstraffic", false);
  /* The TCP window bound gamma / (2 * route latency): unbounded. It never acts
   * anyway, since every SimGrid link has zero latency here (see below). */
  sg4::Engine::set_config("network/TCP-gamma", 1e300);
  /* Relative tolerance of the max-min solver (default 1e-5 of a link's
   * capacity); the usage sums it compares are exact small integers here. */
  sg4::Engine::set_config("maxmin/precision", 1e-12);
  /* Lazy update (the default), stated: events come from a heap of completion dates. */
  sg4::Engine::set_config("network/optim:Lazy");

  /* surf/precision is an ABSOLUTE time tolerance (default 1e-9 s): actions whose
   * completion date is within it of the current date finish together. Scale it
   * to the run: horizon >= every completion (with a saturated bottleneck on
   * every active flow, sum(remaining_i / min_bw_i) falls at rate >= 1). */
  double horizon_s = 0;
  {
    double last_active = 0, work = 0;
    for (flow_rec& fl : flows) {
      double lat = 0, min_bw = in.fattree.bandwidth_Bps;
      if (!in.fattree.present) {
        min_bw = INFINITY;
        for (unsigned long long l : fl.route) {
          lat += in.links[l].latency_s;
          min_bw = std::min(min_bw, in.links[l].bandwidth_Bps);
        }
      }
      fl.active_s = fl.start_s + lat; /* the fat-tree latency is added once the route is known */
      last_active = std::max(last_active, fl.active_s);
      work += fl.bytes / min_bw;
    }
    if (in.fattree.present) {
      unsigned long long hops = 2ULL * in.fattree.levels; /* the longest route */
      last_active += static_cast<double>(hops) * in.fattree.latency_s;
    }
    horizon_s = last_active + work;
  }
  double precision_s = horizon_s > 0 ? 1e-14 * horizon_s : 1e-9;
  sg4::Engine::set_config("surf/precision", precision_s);

  /* ---- platform. SimGrid's link latencies are all ZERO: CM02 would weight a
   * flow's share by 1 / (route latency) (its sharing penalty is the latency),
   * whereas the semantics want equal weights. The latency is applied here
   * instead, by starting each flow at start_s + route latency. */
  std::vector<sg4::Host*> route_src(route_flow.size()), route_dst(route_flow.size());
  std::vector<std::vector<std::string>> route_names(route_flow.size());
  if (!in.fattree.present) {
    /* One Full zone. Hosts carry no resource that CM02 uses (no host links, no
     * CPU work), so any two distinct hosts can stand for a route's endpoints:
     * route r gets the r-th ordered pair (a, b), a != b, of M hosts. This keeps
     * the zone's M x M routing table small (M ~ sqrt(routes)) whatever the
     * input's host ids are. */
    auto* zone = sg4::create_full_zone("oracle");
    std::unordered_map<unsigned long long, sg4::Link*> sg_link;
    for (const flow_rec& fl : flows)
      for (unsigned long long l : fl.route)
        if (sg_link.find(l) == sg_link.end()) {
          sg4::Link* link = zone->create_link("l" + std::to_string(l), in.links[l].bandwidth_Bps);
          link->set_sharing_policy(sg4::Link::SharingPolicy::SHARED); /* the default; never FATPIPE */
          link->set_latency(0.0);
          link->seal();
          sg_link[l] = link;
        }
    size_t n_routes = route_flow.size();
    size_t m        = 2;
    while (m * (m - 1) < n_routes)
      m++;
    std::vector<sg4::Host*> hosts;
    for (size_t k = 0; k < m; k++)
      hosts.push_back(zone->create_host("e" + std::to_string(k), 1.0)->seal());
    for (size_t r = 0; r < n_routes; r++) {
      size_t a = r / (m - 1), b = r % (m - 1);
      if (b >= a)
        b++;
      std::vector<sg4::LinkInRoute> links;
      for (unsigned long long l : flows[route_flow[r]].route) {
        links.emplace_back(sg_link[l]);
        route_names[r].push_back("l" + std::to_string(l));
      }
      zone->add_route(hosts[a]->get_netpoint(), hosts[b]->get_netpoint(), nullptr, nullptr, links, false);
      route_src[r] = hosts[a];
      route_dst[r] = hosts[b];
    }
    zone->seal();
  } else {
    const fattree_rec& ft = in.fattree;
    sg4::FatTreeParams params(ft.levels, ft.down, ft.up, ft.parallel);
    std::vector<sg4::Host*> hosts(ft_hosts, nullptr);
    auto make_host = [&hosts](sg4::NetZone* zone, const std::vector<unsigned long>& /*coord*/, unsigned long id)
        -> std::pair<simgrid::kernel::routing::NetPoint*, simgrid::kernel::routing::NetPoint*> {
      sg4::Host* h = zone->create_host("h" + std::to_string(id), 1.0)->seal();
      hosts[id]    = h;
      return {h->get_netpoint(), nullptr};
    };
    /* SPLITDUPLEX: one SHARED link per direction (SimGrid would otherwise use
     * a single link for both directions). Latency 0: see above. */
    sg4::NetZone* zone = sg4::create_fatTree_zone("oracle", nullptr, params, sg4::ClusterCallbacks(make_host),
                                                  ft.bandwidth_Bps, 0.0, sg4::Link::SharingPolicy::SPLITDUPLEX);
    zone->seal();
    std::vector<unsigned long long> nodes_by_level(ft.levels + 1);
    nodes_by_level[0] = ft_hosts;
    for (unsigned i = 0; i < ft.levels; i++) {
      unsigned long long c = 1;
      for (unsigned j = 0; j <= i; j++)
        c *= ft.up[j];
      for (unsigned j = i + 1; j < ft.levels; j++)
        c *= ft.down[j];
      nodes_by_level[i + 1] = c;
    }
    std::vector<size_t> hops(route_flow.size());
    for (size_t r = 0; r < route_flow.size(); r++) {
      const flow_rec& fl = flows[route_flow[r]];
      route_src[r]       = hosts[fl.src];
      route_dst[r]       = hosts[fl.dst];
      std::vector<sg4::Link*> links;
      double lat = 0;
      route_src[r]->route_to(route_dst[r], links, &lat);
      hops[r] = links.size();
      for (const sg4::Link* l : links)
        route_names[r].push_back(fattree_link_label(ft, nodes_by_level, l->get_name()));
    }
    for (flow_rec& fl : flows) {
      double lat = 0;
      for (size_t k = 0; k < hops[fl.i_route]; k++) /* summed link by link, as for explicit routes */
        lat += ft.latency_s;
      fl.active_s = fl.start_s + lat;
    }
  }
  double t_platform = seconds_since(t_start) - t_parse;

  /* ---- simulation: no actors. Maestro advances the clock to each activation
   * date (run_until) and starts that date's flows as host-to-host comms. */
  std::vector<size_t> order(flows.size());
  for (size_t i = 0; i < order.size(); i++)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&flows](size_t a, size_t b) {
    return flows[a].active_s != flows[b].active_s ? flows[a].active_s < flows[b].active_s : flows[a].id < flows[b].id;
  });
  std::vector<sg4::CommPtr> comms(flows.size());
  for (size_t k = 0; k < order.size();) {
    double t = flows[order[k]].active_s;
    /* run_until(t) returns as soon as the clock is within 1e-5 s of t (a
     * fixed tolerance in EngineImpl::run), so call it until the clock is t. */
    while (sg4::Engine::get_clock() < t)
      engine.run_until(t);
    for (; k < order.size() && flows[order[k]].active_s == t; k++) {
      flow_rec& fl = flows[order[k]];
      if (fl.bytes > 0)
        comms[order[k]] = sg4::Comm::sendto_async(route_src[fl.i_route], route_dst[fl.i_route],
                                                  static_cast<uint64_t>(fl.bytes));
    }
  }
  engine.run();
  double t_sim = seconds_since(t_start) - t_parse - t_platform;

  int status = 0;
  for (size_t i = 0; i < flows.size(); i++) {
    flow_rec& fl = flows[i];
    if (!comms[i]) {
      fl.done_s = fl.active_s; /* 0 bytes: done when it becomes active */
    } else if (comms[i]->get_state() != sg4::Activity::State::FINISHED) {
      std::fprintf(stderr, "%s: flow %llu did not complete in SimGrid (state %s); a precision problem?\n", path, fl.id,
                   comms[i]->get_state_str());
      status = 1;
    } else
      fl.done_s = comms[i]->get_finish_time();
  }

  std::vector<size_t> by_id(flows.size());
  for (size_t i = 0; i < by_id.size(); i++)
    by_id[i] = i;
  std::sort(by_id.begin(), by_id.end(), [&flows](size_t a, size_t b) { return flows[a].id < flows[b].id; });
  if (want_routes)
    for (size_t i : by_id) {
      const flow_rec& fl = flows[i];
      std::printf("route %llu %u %u %zu", fl.id, fl.src, fl.dst, route_names[fl.i_route].size());
      for (const auto& name : route_names[fl.i_route])
        std::printf(" %s", name.c_str());
      std::printf("\n");
    }
  for (size_t i : by_id)
    std::printf("flow %llu %.17g\n", flows[i].id, flows[i].done_s);
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "simgrid_oracle: write error: %s\n", std::strerror(errno));
    return 1;
  }
  if (want_time)
    std::fprintf(stderr,
                 "simgrid_oracle: %zu flows, %zu routes: parse %.3f s, platform %.3f s, simulation %.3f s "
                 "(surf/precision %.3g s)\n",
                 flows.size(), route_flow.size(), t_parse, t_platform, t_sim, precision_s);
  return status;
}
