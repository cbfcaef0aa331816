# aetherial_add_module(<name> SOURCES ... DEPENDS ...): one library per folder, same flags.
function(aetherial_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
    -Wno-missing-field-initializers)
  if(AETHERIAL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# Sanitizer builds (ops/sanitize.sh makes them with clang, whose instrumentation compiles
# several times faster than g++'s): -O1 with line tables keeps reports readable and the build
# short. Undefined behaviour aborts the test that hits it instead of printing and going on.
if(AETHERIAL_SANITIZE STREQUAL "address" OR AETHERIAL_SANITIZE STREQUAL "ON")
  add_compile_options(-O1 -g1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
elseif(AETHERIAL_SANITIZE STREQUAL "thread")
  add_compile_options(-O1 -g1 -fsanitize=thread)
  add_link_options(-fsanitize=thread)
elseif(AETHERIAL_SANITIZE AND NOT AETHERIAL_SANITIZE STREQUAL "OFF")
  message(FATAL_ERROR "AETHERIAL_SANITIZE is '${AETHERIAL_SANITIZE}': use OFF, address or thread")
endif()

# AETHERIAL_FUZZ: every object gets libFuzzer's coverage instrumentation, ASan and UBSan (any
# undefined behaviour aborts); fuzz executables add libFuzzer itself (aetherial_add_fuzzer).
if(AETHERIAL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "AETHERIAL_FUZZ needs Clang (CXX=clang++-14), not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  # Alignment reports are recoverable everywhere, so that tests/fuzz/ubsan.supp can let the
  # known one inside FlatBuffers' accessors pass whichever object's copy of an inline accessor
  # the linker keeps; every other report aborts.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fsanitize-recover=alignment -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# aetherial_module_include_dir(<folder> <out-var>): an include directory that exposes only
# <folder>'s headers, still spelled "<folder>/x.hpp": <build>/include/<folder>/<folder> is a
# link to the source folder. A module's users see its headers and its PUBLIC dependencies'
# and nothing else, so an include against the layering fails to compile.
function(aetherial_module_include_dir folder out)
  set(dir ${PROJECT_BINARY_DIR}/include/${folder})
  if(NOT EXISTS ${dir}/${folder})
    file(MAKE_DIRECTORY ${dir})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${folder} ${dir}/${folder} SYMBOLIC)
  endif()
  set(${out} ${dir} PARENT_SCOPE)
endfunction()

# aetherial_add_module(<name> SOURCES ... PUBLIC_DEPENDS ... PRIVATE_DEPENDS ... [FOLDER f]):
# the library aetherial_<name> built from the folder <f> (default <name>).
function(aetherial_add_module name)
  cmake_parse_arguments(M "" "FOLDER" "SOURCES;PUBLIC_DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  if(NOT M_FOLDER)
    set(M_FOLDER ${name})
  endif()
  add_library(aetherial_${name} STATIC ${M_SOURCES})
  aetherial_module_include_dir(${M_FOLDER} include_dir)
  target_include_directories(aetherial_${name} PUBLIC ${include_dir})
  target_link_libraries(aetherial_${name} PUBLIC ${M_PUBLIC_DEPENDS} PRIVATE ${M_PRIVATE_DEPENDS})
  set_target_properties(aetherial_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  aetherial_warnings(aetherial_${name})
endfunction()

# aetherial_add_test(<name> LABELS ... SOURCES ... DEPENDS ... [TIMEOUT s])
function(aetherial_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;DEPENDS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  # Tests may include anything, their own fixtures ("tests/...") included.
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${T_DEPENDS} Boost::unit_test_framework)
  target_compile_definitions(${name} PRIVATE BOOST_TEST_DYN_LINK)
  if(AETHERIAL_SANITIZE STREQUAL "thread")
    # librdkafka's C11 threads made visible to the sanitizer (see the file).
    target_sources(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/sanitizers/c11_threads.cpp)
  endif()
  aetherial_warnings(${name})
  add_test(NAME ${name} COMMAND ${name} --log_level=message)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT})
endfunction()

# aetherial_add_fuzzer(<name> SOURCES ... DEPENDS ...): a libFuzzer executable (AETHERIAL_FUZZ).
function(aetherial_add_fuzzer name)
  cmake_parse_arguments(F "" "" "SOURCES;DEPENDS" ${ARGN})
  add_executable(${name} ${F_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${F_DEPENDS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  aetherial_warnings(${name})
endfunction()

# aetherial_add_subdirectories(): adds every folder of the current one that has a CMakeLists.txt,
# in name order (the test folders: each has its own).
function(aetherial_add_subdirectories)
  file(GLOB dirs LIST_DIRECTORIES true CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*)
  foreach(dir ${dirs})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/CMakeLists.txt)
      add_subdirectory(${dir})
    endif()
  endforeach()
endfunction()
