# `make package`: a Debian package of the release build (CPack, DEB generator) — the server,
# the built web UI, the shipped pipelines/scoring/calendars/templates (also compiled in; here to
# read and copy), a systemd unit running as its own user `voronka` with state in
# /var/lib/voronka and settings in /etc/voronka/voronka.conf. See packaging/README.md.

# A system service: installed under /usr (and /etc), as Debian packages are.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()
install(TARGETS voronka RUNTIME DESTINATION bin)
if(EXISTS ${PROJECT_SOURCE_DIR}/web/dist/index.html)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/web/dist/ DESTINATION share/voronka/web)
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/processes/ DESTINATION share/voronka/processes FILES_MATCHING PATTERN "*.yaml")
install(FILES ${PROJECT_SOURCE_DIR}/packaging/voronka.service DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/voronka.conf DESTINATION /etc/voronka)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/voronka)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME voronka)
set(CPACK_PACKAGE_VENDOR "Voronka")
set(CPACK_PACKAGE_CONTACT "Voronka maintainers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Sales CRM built around the sales process")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_SET_DESTDIR ON)  # /etc/voronka is an absolute destination; the rest follows CMAKE_INSTALL_PREFIX
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, tzdata")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql-client-15")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/postinst ${PROJECT_SOURCE_DIR}/packaging/prerm
    ${PROJECT_SOURCE_DIR}/packaging/postrm ${PROJECT_SOURCE_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
