# Runs the conformance suite against one broken gateway variant (broken_proxy --mode MODE in
# front of the real gateway) and passes only if the suite fails AND names CHECK as failed.
# cmake -DCONFORMANCE=... -DPROXY=... -DMODE=... -DCHECK=... -DREPORT=... [-DFILTER=gtest-filter]
#       [-DPROXY_FLAG=--proxy-second-instance] -P expect_failure.cmake
# PROXY_FLAG is the suite's flag that takes the proxy command: --proxy (default, in front of the
# gateway) or --proxy-second-instance (in front of the launched second instance only).
foreach(var CONFORMANCE PROXY MODE CHECK REPORT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "expect_failure.cmake: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE "${REPORT}")
# Only the generic provider; by default every check but the two that wait (expiry, slow
# provider), or just FILTER's.
if(NOT DEFINED PROXY_FLAG)
  set(PROXY_FLAG --proxy)
endif()
if(NOT DEFINED FILTER)
  set(FILTER "-CodeExchange.Expiry:Errors.TokenFaultDelay")
endif()
execute_process(
  COMMAND "${CONFORMANCE}" --seed 7 --providers generic --report "${REPORT}"
          ${PROXY_FLAG} "${PROXY} --mode ${MODE}"
          --gtest_filter=${FILTER}
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "the suite PASSED against broken variant '${MODE}': it is not sharp\n${out}")
endif()
if(NOT EXISTS "${REPORT}")
  message(FATAL_ERROR "no report from the suite (exit ${rc})\n${out}\n${err}")
endif()
file(READ "${REPORT}" json)
string(JSON setup_error GET "${json}" setup_error)
if(NOT setup_error STREQUAL "")
  message(FATAL_ERROR "the suite could not set up against '${MODE}': ${setup_error}")
endif()
string(JSON count LENGTH "${json}" checks)
math(EXPR last "${count} - 1")
set(found FALSE)
set(failed "")
foreach(i RANGE ${last})
  string(JSON check GET "${json}" checks ${i} check)
  string(JSON verdict GET "${json}" checks ${i} verdict)
  if(verdict STREQUAL "fail")
    list(APPEND failed ${check})
    if(check STREQUAL CHECK)
      set(found TRUE)
    endif()
  endif()
endforeach()
list(REMOVE_DUPLICATES failed)
if(NOT found)
  message(FATAL_ERROR "broken variant '${MODE}': the suite failed, but not ${CHECK}; failed: ${failed}\n${out}")
endif()
message(STATUS "broken variant '${MODE}': the suite failed ${CHECK} as it must (failed checks: ${failed})")
