# Install layout (FHS) and the Debian packages (CPack DEB; scripts/package.sh builds them).
#   lienthong      /usr/bin/lienthong, /usr/share/lienthong/mappings (mapping files, code
#                  tables, calendars, procedure catalogue), /etc/lienthong/lienthong.json
#                  (a conffile), the systemd unit, docs; state in /var/lib/lienthong
#                  (created by postinst and by systemd's StateDirectory=).
#   lienthong-sim  /usr/bin/lienthong-sim, the simulators, for acceptance tests.
# Paths follow GNUInstallDirs: with CMAKE_INSTALL_PREFIX=/usr (what the package uses)
# the configuration goes to /etc and the state to /var.
include(GNUInstallDirs)
# cpack (and `ninja install`) would first build every target, tests and benchmarks
# included; scripts/package.sh builds the two binaries itself.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(LIENTHONG_DATA_DIR "${CMAKE_INSTALL_FULL_DATADIR}/lienthong")
set(LIENTHONG_CONFIG_DIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}/lienthong")
set(LIENTHONG_STATE_DIR "${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/lienthong")
set(LIENTHONG_BIN_DIR "${CMAKE_INSTALL_FULL_BINDIR}")
set(LIENTHONG_DOC_DIR "${CMAKE_INSTALL_FULL_DATADIR}/doc/lienthong")
set(LIENTHONG_UNIT_DIR "lib/systemd/system" CACHE STRING "Where the systemd unit goes, relative to the prefix")

configure_file(packaging/lienthong.json.in ${PROJECT_BINARY_DIR}/packaging/lienthong.json @ONLY)
configure_file(packaging/lienthong.service.in ${PROJECT_BINARY_DIR}/packaging/lienthong.service @ONLY)
configure_file(packaging/lienthong.logrotate.in ${PROJECT_BINARY_DIR}/packaging/lienthong.logrotate @ONLY)

install(TARGETS lienthong RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT lienthong)
install(TARGETS lienthong-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT simulators)
install(DIRECTORY mappings DESTINATION ${CMAKE_INSTALL_DATADIR}/lienthong COMPONENT lienthong)
install(FILES ${PROJECT_BINARY_DIR}/packaging/lienthong.json DESTINATION ${LIENTHONG_CONFIG_DIR}
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ COMPONENT lienthong)
install(FILES ${PROJECT_BINARY_DIR}/packaging/lienthong.service DESTINATION ${LIENTHONG_UNIT_DIR}
        COMPONENT lienthong)
install(FILES ${PROJECT_BINARY_DIR}/packaging/lienthong.logrotate DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/logrotate.d
        RENAME lienthong COMPONENT lienthong)
install(FILES README.md docs/operations.md lienthong.example.json DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT lienthong)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lienthong)
set(CPACK_PACKAGE_VENDOR "lienthong")
set(CPACK_PACKAGE_CONTACT "lienthong maintainers <lienthong@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "integration gateway for Vietnamese provincial e-government")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL lienthong simulators)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_LIENTHONG_PACKAGE_NAME lienthong)
set(CPACK_DEBIAN_LIENTHONG_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_LIENTHONG_DESCRIPTION
    "integration gateway for Vietnamese provincial e-government\n"
    "Synchronises dossier statuses to the national portal DVCQG, receives ministry webhooks,\n"
    "reconciles treasury payments, answers citizen lookups; runs as the lienthong service.")
file(WRITE ${PROJECT_BINARY_DIR}/packaging/debian/conffiles
     "${LIENTHONG_CONFIG_DIR}/lienthong.json\n${CMAKE_INSTALL_FULL_SYSCONFDIR}/logrotate.d/lienthong\n")
set(CPACK_DEBIAN_LIENTHONG_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm ${PROJECT_BINARY_DIR}/packaging/debian/conffiles)
set(CPACK_DEBIAN_SIMULATORS_PACKAGE_NAME lienthong-sim)
set(CPACK_COMPONENT_SIMULATORS_DESCRIPTION
    "simulators of the systems lienthong connects to\n"
    "The provincial one-stop-shop, DVCQG, LGSP tokens, the population database, ministries,\n"
    "payment platform, treasury and tax, on loopback, for acceptance tests and demos.")
include(CPack)
