# Run by `cmake --install` (install(CODE) in CMakeLists.txt): writes the two
# installed files that name the install prefix, which is only known now
# (cmake --install --prefix P overrides the configure-time prefix):
#   lib/pkgconfig/gigawatt.pc   from tools/gigawatt.pc.in
#   share/man/man1/gigawatt.1   the generated man page, its \*(Gd string (the
#                               data folder named in FILES) set to this prefix
# file(INSTALL) honours $DESTDIR and records both in install_manifest.txt.
set(GW_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(stage "${GW_BINARY_DIR}/install-prefixed")
file(MAKE_DIRECTORY "${stage}")

configure_file("${GW_SOURCE_DIR}/tools/gigawatt.pc.in" "${stage}/gigawatt.pc" @ONLY)
file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/${GW_LIBDIR}/pkgconfig" TYPE FILE
     FILES "${stage}/gigawatt.pc")

file(READ "${GW_BINARY_DIR}/gigawatt.1" man)
string(REGEX MATCH "\n\\.ds Gd [^\n]*" found "${man}")
if(NOT found)
  message(FATAL_ERROR "gigawatt.1 has no '.ds Gd' line (tools/gen_man.sh)")
endif()
string(REGEX REPLACE "\n\\.ds Gd [^\n]*" "\n.ds Gd ${CMAKE_INSTALL_PREFIX}/${GW_DATADIR}/gigawatt"
       man "${man}")
file(WRITE "${stage}/gigawatt.1" "${man}")
file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/${GW_MANDIR}/man1" TYPE FILE
     FILES "${stage}/gigawatt.1")
