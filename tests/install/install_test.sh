#!/usr/bin/env bash
# Installs the build into a temporary prefix (stripped, as a package would)
# and checks what a user gets: libraries, headers, the CMake config and
# iosched.pc, docs and the example under share/doc/iosched, bash completion
# and (when help2man was found) the man page. Then builds the installed
# example twice, with find_package(iosched) and with pkg-config only, and
# runs both builds. With static libraries built with liburing, a configure
# with liburing's pkg-config file hidden must fail naming liburing.
#
#   install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/usr
fail() { echo "install_test: FAIL: $*" >&2; exit 1; }

echo "== cmake --install --strip --prefix $prefix"
cmake --install "$build" --prefix "$prefix" --strip >"$tmp/install.log" || {
  cat "$tmp/install.log"; fail "cmake --install"; }

libdir=$(dirname "$(find "$prefix" -name iosched.pc -print -quit)")
[[ -n $libdir && $libdir == */pkgconfig ]] || fail "no iosched.pc under $prefix"
libdir=$(dirname "$libdir")
for f in "$libdir/cmake/iosched/ioschedConfig.cmake" "$prefix/include/iosched/scheduler.h" \
         "$prefix/share/doc/iosched/README.md" "$prefix/share/doc/iosched/LICENSE" \
         "$prefix/share/doc/iosched/architecture.md" \
         "$prefix/share/doc/iosched/examples/CMakeLists.txt" \
         "$prefix/share/doc/iosched/examples/read_files.cc" \
         "$prefix/share/bash-completion/completions/iosched"; do
  [[ -f $f ]] || fail "missing $f"
done
completion=$(PATH="$prefix/bin:$PATH" bash -c 'source "$1"; COMP_WORDS=(iosched comp); COMP_CWORD=1
  _iosched; echo "${COMPREPLY[*]}"' _ "$prefix/share/bash-completion/completions/iosched")
[[ $completion == compare ]] || fail "bash completion of 'iosched comp' gave '$completion'"
if [[ -f $build/man/iosched.1 ]]; then
  man=$prefix/share/man/man1/iosched.1
  [[ -f $man ]] || fail "missing $man"
  grep -q '^\.SS replay' "$man" || fail "$man has no section for the replay command"
else
  echo "(no man page in the build: help2man was not found)"
fi

# Stripped: no debug sections left in the archives, shared objects, program.
shopt -s nullglob
libs=("$libdir"/libiosched_*)
(( ${#libs[@]} >= 6 )) || fail "expected the 6 iosched libraries in $libdir, got ${libs[*]:-none}"
for f in "${libs[@]}" "$prefix/bin/iosched"; do
  [[ -L $f ]] && continue
  if objdump -h "$f" 2>/dev/null | grep -q '\.debug_info'; then fail "$f has debug info after --strip"; fi
done
static=0
[[ -f $libdir/libiosched_core.a ]] && static=1

example=$prefix/share/doc/iosched/examples
inputs=("$src"/traces/data/*)
(( ${#inputs[@]} > 0 )) || fail "no files in $src/traces/data"

echo "== example with CMake (find_package(iosched))"
cmake -S "$example" -B "$tmp/ex-cmake" -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/cfg.log" 2>&1 || {
  cat "$tmp/cfg.log"; fail "configuring the example"; }
cmake --build "$tmp/ex-cmake" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "building the example"; }
export LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
"$tmp/ex-cmake/read_files" "${inputs[@]}" >"$tmp/run1.txt" || { cat "$tmp/run1.txt"; fail "running the CMake build"; }
grep -q "${inputs[0]##*/}" "$tmp/run1.txt" || { cat "$tmp/run1.txt"; fail "no line for ${inputs[0]}"; }

echo "== example with pkg-config only"
export PKG_CONFIG_PATH=$libdir/pkgconfig
[[ $(pkg-config --modversion iosched) == "$(sed -n 's/^project(iosched VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")" ]] ||
  fail "pkg-config --modversion iosched: $(pkg-config --modversion iosched)"
# shellcheck disable=SC2046
g++ "$example/read_files.cc" $(pkg-config --cflags --libs iosched) -o "$tmp/read_files_pc" ||
  fail "g++ read_files.cc \$(pkg-config --cflags --libs iosched)"
"$tmp/read_files_pc" "${inputs[@]}" >"$tmp/run2.txt" || { cat "$tmp/run2.txt"; fail "running the pkg-config build"; }
# Checksums do not depend on how the program was built.
diff <(grep -v -i -e 'MB/s' -e 'took' "$tmp/run1.txt") <(grep -v -i -e 'MB/s' -e 'took' "$tmp/run2.txt") >/dev/null ||
  { diff "$tmp/run1.txt" "$tmp/run2.txt"; fail "the two builds print different files or checksums"; }

if (( static )) && grep -q liburing "$libdir/pkgconfig/iosched.pc"; then
  echo "== find_package(iosched) with liburing.pc hidden fails and names liburing"
  hidden=$tmp/pc-without-uring
  mkdir -p "$hidden"
  for d in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
    for pc in "$d"/*.pc; do
      [[ ${pc##*/} == liburing* || -e $hidden/${pc##*/} ]] || ln -s "$pc" "$hidden/"
    done
  done
  if PKG_CONFIG_LIBDIR=$hidden PKG_CONFIG_PATH= cmake -S "$example" -B "$tmp/ex-nouring" \
       -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/nouring.log" 2>&1; then
    cat "$tmp/nouring.log"; fail "configure succeeded without liburing.pc"
  fi
  grep -q "liburing-dev" "$tmp/nouring.log" || { cat "$tmp/nouring.log"; fail "the error does not name liburing"; }
fi
echo "install_test: OK"
