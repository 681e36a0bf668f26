/* SPDX-License-Identifier: MIT */
/*
 * _gigawatt.c: the CPython extension under the `gigawatt` Python package.
 * One function, invoke(args), runs a `gigawatt` command line in-process
 * through gw_cli_invoke (src/cli/invoke.c), the same entry the program's
 * main() uses, with the report and the messages captured in memory
 * (open_memstream) instead of stdout and stderr. The Python layer
 * (gigawatt/__init__.py) turns keyword arguments into flags, adds --json,
 * parses the document and raises gigawatt.Error from the error record.
 *
 * The interpreter lock is released while the command runs: the arguments are
 * copied to C memory first, each call has its own gw_ctx and catalog, and the
 * library keeps no mutable global state (STYLE.md section 4), so Python
 * threads may run commands concurrently; the library's OpenMP teams are
 * per call. Nothing here prints, exits or installs signal handlers.
 *
 * It does not: cancel a running command on KeyboardInterrupt (the signal is
 * seen when the call returns), or expose the library's C API object by
 * object; the --json document is the interface (docs/JSON-SCHEMA.md).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A command line is at most this many arguments (flags, values, --set). */
#define MAX_ARGS 1024

/* Copies the str items of seq into one malloc'd block: argv[0] is the
 * program name. Returns NULL with a Python exception set. The caller frees
 * *block and the returned array. */
static char **copy_args(PyObject *seq, int *argc_out, char **block)
{
    PyObject *fast = PySequence_Fast(seq, "invoke: expected a sequence of str");
    if (!fast)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    if (n > MAX_ARGS) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "invoke: at most %d arguments", MAX_ARGS);
        return NULL;
    }
    size_t total = sizeof "gigawatt";
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
        Py_ssize_t len = 0;
        if (!PyUnicode_Check(item)) {
            Py_DECREF(fast);
            PyErr_Format(PyExc_TypeError, "invoke: argument %zd is %s, not str", i,
                         Py_TYPE(item)->tp_name);
            return NULL;
        }
        const char *s = PyUnicode_AsUTF8AndSize(item, &len);
        if (!s) {
            Py_DECREF(fast);
            return NULL;
        }
        if (strlen(s) != (size_t)len) {
            Py_DECREF(fast);
            PyErr_Format(PyExc_ValueError, "invoke: argument %zd contains a NUL character", i);
            return NULL;
        }
        total += (size_t)len + 1;
    }
    char **argv = calloc((size_t)n + 2, sizeof *argv);
    char *buf = malloc(total);
    if (!argv || !buf) {
        free(argv);
        free(buf);
        Py_DECREF(fast);
        PyErr_NoMemory();
        return NULL;
    }
    char *p = buf;
    memcpy(p, "gigawatt", sizeof "gigawatt");
    argv[0] = p;
    p += sizeof "gigawatt";
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t len = 0;
        const char *s = PyUnicode_AsUTF8AndSize(PySequence_Fast_GET_ITEM(fast, i), &len);
        memcpy(p, s, (size_t)len + 1);
        argv[i + 1] = p;
        p += len + 1;
    }
    Py_DECREF(fast);
    *argc_out = (int)n + 1;
    *block = buf;
    return argv;
}

/* A str from UTF-8 bytes (len -1: up to the NUL). Messages are cut at a
 * fixed size by snprintf, possibly inside a multi-byte character, so invalid
 * bytes become U+FFFD instead of failing. Returns NULL with an exception
 * set; Py_BuildValue's "N" passes that on. */
static PyObject *text(const char *s, Py_ssize_t len)
{
    if (!s)
        return PyUnicode_FromString("");
    return PyUnicode_DecodeUTF8(s, len < 0 ? (Py_ssize_t)strlen(s) : len, "replace");
}

PyDoc_STRVAR(invoke_doc,
             "invoke(args) -> (status, out, messages, error)\n\n"
             "Runs `gigawatt ARGS...` in-process. status is the exit status (0 ok, 1 runtime\n"
             "failure, 2 usage or input error), out what the command wrote as its report,\n"
             "messages what it wrote as messages (stderr in the program), and error None or\n"
             "a tuple (code, path, line, column, where, msg, formatted) for the last error:\n"
             "code is the gw_status name (\"GW_ERANGE\", \"GW_EUSAGE\" for bad flags) and\n"
             "formatted the one-line \"path:line:col: where: msg\". Releases the GIL.");

static PyObject *invoke(PyObject *self, PyObject *args_obj)
{
    (void)self;
    int argc = 0;
    char *block = NULL;
    char **argv = copy_args(args_obj, &argc, &block);
    if (!argv)
        return NULL;

    char *out_buf = NULL, *err_buf = NULL;
    size_t out_len = 0, err_len = 0;
    gw_error last;
    memset(&last, 0, sizeof last);
    int status = -1;
    int stream_failed = 0;

    Py_BEGIN_ALLOW_THREADS FILE *out = open_memstream(&out_buf, &out_len);
    FILE *errout = open_memstream(&err_buf, &err_len);
    if (out && errout)
        status = gw_cli_invoke(argc, argv, out, errout, &last);
    else
        stream_failed = 1;
    /* fclose makes the buffers final (and valid even when nothing was
     * written); a failed close means the buffer could not grow. */
    if (out && fclose(out) != 0)
        stream_failed = 1;
    if (errout && fclose(errout) != 0)
        stream_failed = 1;
    Py_END_ALLOW_THREADS

        free(argv);
    free(block);
    PyObject *result = NULL;
    if (stream_failed) {
        PyErr_NoMemory();
        goto done;
    }
    PyObject *err_tuple;
    if (last.code != GW_OK) {
        char line[1024];
        gw_error_format(&last, line, sizeof line);
        err_tuple =
            Py_BuildValue("(sNiiNNN)", gw_status_name(last.code), text(last.path, -1), last.line,
                          last.column, text(last.where, -1), text(last.msg, -1), text(line, -1));
    } else {
        err_tuple = Py_NewRef(Py_None);
    }
    if (err_tuple)
        result = Py_BuildValue("(iNNN)", status, text(out_buf, (Py_ssize_t)out_len),
                               text(err_buf, (Py_ssize_t)err_len), err_tuple);
done:
    free(out_buf);
    free(err_buf);
    return result;
}

static PyMethodDef methods[] = {
    {"invoke", invoke, METH_O, invoke_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "_gigawatt",
    "In-process gigawatt command lines (see gigawatt).",
    -1,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__gigawatt(void);

PyMODINIT_FUNC PyInit__gigawatt(void)
{
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    if (PyModule_AddStringConstant(m, "version", GW_VERSION_STRING) < 0 ||
        PyModule_AddIntConstant(m, "json_schema_version", GW_JSON_SCHEMA_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
