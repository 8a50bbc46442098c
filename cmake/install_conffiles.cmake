# install_conffiles.cmake - run by `cmake --install` (CMakeLists.txt): the
# files an administrator edits are written once and never overwritten, as
# a Debian package treats its conffiles.  One kept is not listed in
# install_manifest.txt, so `make uninstall` leaves it too.  DESTDIR is
# honoured (file(INSTALL) prepends it).
#   MC_CONFIG_DIR  the config file's folder (/etc/motcua)
#   MC_DEPLOY_DIR  the source tree's deploy/
function(mc_install_once dir src name)
  if(EXISTS "$ENV{DESTDIR}${dir}/${name}")
    message(STATUS "Kept: $ENV{DESTDIR}${dir}/${name} (it exists)")
  else()
    file(INSTALL DESTINATION "${dir}" TYPE FILE FILES "${src}" RENAME "${name}" ${ARGN})
  endif()
endfunction()

# 0640: it may come to hold passwords (motcua.tmpfiles gives it the motcua group)
mc_install_once("${MC_CONFIG_DIR}" "${MC_DEPLOY_DIR}/motcua.conf" motcua.conf
                PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
mc_install_once("/etc/logrotate.d" "${MC_DEPLOY_DIR}/motcua.logrotate" motcua
                PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
