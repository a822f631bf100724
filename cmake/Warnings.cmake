# Warnings for our own targets only; sanitizers come from the asan preset (LINKGATE_SANITIZE).
add_library(linkgate_warnings INTERFACE)
target_compile_options(linkgate_warnings INTERFACE -Wall -Wextra)
option(LINKGATE_SANITIZE "Build with ASan + UBSan" OFF)
if(LINKGATE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
