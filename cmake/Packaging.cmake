# cmake --install and a CPack .deb (issue 12): the binaries in bin/, the gateway's catalogue
# and the simulator's profiles in share/linkgate/, docs and deployment examples in
# share/doc/linkgate/. `cpack -G DEB` in the build directory writes linkgate_VERSION_ARCH.deb;
# ci/package installs it into a scratch root with dpkg and runs a flow with what it installed.
include(GNUInstallDirs)
set(LINKGATE_VERSION "0.1.0")

foreach(program gateway simulator conformance)
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/gateway/catalogue/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/linkgate/catalogue FILES_MATCHING PATTERN "*.json")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/fixtures/providers/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/linkgate/providers FILES_MATCHING PATTERN "*.json")
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/OPERATIONS.md
              ${PROJECT_SOURCE_DIR}/docs/DEPLOYMENT.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/linkgate-gateway.service
              ${PROJECT_SOURCE_DIR}/packaging/linkgate.env
              ${PROJECT_SOURCE_DIR}/packaging/nginx-linkgate.conf
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "linkgate")
set(CPACK_PACKAGE_VERSION "${LINKGATE_VERSION}")
set(CPACK_PACKAGE_CONTACT "Linkgate maintainers <linkgate@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "OAuth2 link gateway, provider simulator and conformance suite")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends: from the binaries' shared libraries
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_STRIP_FILES ON)
include(CPack)
