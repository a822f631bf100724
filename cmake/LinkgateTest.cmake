# linkgate_add_test(NAME name SOURCES a_test.cc ... LIBS lib ... LABEL unit|property|integration|conformance)
# Builds one test executable and registers each of its tests (RC_GTEST_PROP too) with CTest.
# ONE_PROCESS: register the executable as one CTest test instead (tests that share an
# expensive fixture per process, e.g. a throw-away PostgreSQL cluster).
include(GoogleTest)
function(linkgate_add_test)
  cmake_parse_arguments(T "ONE_PROCESS" "NAME;LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT LINKGATE_TESTS)
    return()
  endif()
  if(NOT T_LABEL)
    set(T_LABEL unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} rapidcheck_gtest rapidcheck GTest::gmock GTest::gtest_main linkgate_warnings)
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  if(T_ONE_PROCESS)
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    set_tests_properties(${T_NAME} PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT}
      ENVIRONMENT "LINKGATE_SOURCE_DIR=${PROJECT_SOURCE_DIR};LINKGATE_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
    return()
  endif()
  gtest_discover_tests(${T_NAME}
    PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT}
               ENVIRONMENT "LINKGATE_SOURCE_DIR=${PROJECT_SOURCE_DIR}\\\\;LINKGATE_BIN_DIR=${CMAKE_BINARY_DIR}/bin"
    DISCOVERY_TIMEOUT 60)
endfunction()
