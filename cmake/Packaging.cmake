# cmake --install and a CPack .deb (issue 12): the binaries in bin/, the gateway's catalogue
# and the simulator's profiles in share/linkgate/, docs and deployment examples in
# share/doc/linkgate/, man pages gateway(1) and linkgatectl(1) (made from --help at build time by
# cmake/ManPage.cmake) in share/man/man1/. `cpack -G DEB` in the build directory writes linkgate_VERSION_ARCH.deb;
# ci/package installs it into a scratch root with dpkg and runs a flow with what it installed.
include(GNUInstallDirs)
set(LINKGATE_VERSION "0.1.0")

foreach(program gateway simulator conformance linkgatectl)
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

# Man pages: each from its program's --help, so they cannot drift from it.
set(_man_summary_gateway "the Linkgate reference OAuth2 link gateway")
set(_man_see_gateway ".BR linkgatectl (1)")
set(_man_summary_linkgatectl "the Linkgate gateway's management API from the terminal")
set(_man_see_linkgatectl ".BR gateway (1)")
set(_man_pages "")
foreach(program gateway linkgatectl)
  if(TARGET ${program})
    set(_page ${CMAKE_BINARY_DIR}/man/${program}.1)
    set(_extra ${PROJECT_SOURCE_DIR}/packaging/man/${program}.extra.roff)
    add_custom_command(OUTPUT ${_page}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${program}> -DNAME=${program}
              "-DSUMMARY=${_man_summary_${program}}" "-DSEE_ALSO=${_man_see_${program}}"
              -DEXTRA=${_extra} -DOUTPUT=${_page} -P ${PROJECT_SOURCE_DIR}/cmake/ManPage.cmake
      DEPENDS ${program} ${PROJECT_SOURCE_DIR}/cmake/ManPage.cmake ${_extra}
      COMMENT "man page ${program}(1) from ${program} --help" VERBATIM)
    list(APPEND _man_pages ${_page})
  endif()
endforeach()
if(_man_pages)
  add_custom_target(man_pages ALL DEPENDS ${_man_pages})
  install(FILES ${_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

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
