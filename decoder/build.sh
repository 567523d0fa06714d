#!/usr/bin/env bash
# Builds decoder/iceberg-rx-decoder.wasm and decoder/iceberg-rx-writer.wasm (both committed) from
# decoder/ with the pinned toolchain.
#
#   bash decoder/build.sh           build and copy the module next to this script
#   bash decoder/build.sh --check   build in a temporary target dir and fail if the result is not
#                                   byte for byte the committed modules
#
# The build is reproducible: paths that would end up in the module (cargo registry, toolchain,
# this folder, the target dir) are remapped to fixed names, and the compile-time random seed of
# ahash (const-random, used on wasm32 where there is no runtime randomness) is fixed.
# CARGO_TARGET_DIR defaults to decoder/target.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: bash decoder/build.sh [--check]" >&2; exit 2 ;;
esac

die() { echo "decoder/build.sh: $*" >&2; exit 1; }

command -v cargo >/dev/null || die "cargo not found: install rustup (https://rustup.rs); rust-toolchain.toml pins the toolchain"
# zstd's C sources are compiled for wasm32 by clang, and archived by llvm-ar.
clang="$(command -v clang || true)"
llvm_ar="$(command -v llvm-ar || ls /usr/bin/llvm-ar-* 2>/dev/null | sort -V | tail -n 1 || true)"
[ -n "$clang" ] && [ -n "$llvm_ar" ] || die "clang and llvm-ar are needed to compile zstd for wasm32: apt-get install -y clang lld"
echo 'int x;' | "$clang" --target=wasm32-unknown-unknown -x c -c - -o /dev/null 2>/dev/null \
  || die "$clang cannot compile for wasm32: apt-get install -y clang lld"

# `rustc` here goes through rustup, which installs the pinned toolchain if missing; the target list
# of rust-toolchain.toml is only honoured when rustup installs the toolchain, so add it explicitly.
if command -v rustup >/dev/null; then
  rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || die "rustup target add wasm32-unknown-unknown failed"
fi
sysroot="$(rustc --print sysroot)"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
cargo_home="$(cd "$cargo_home" 2>/dev/null && pwd || echo "$cargo_home")"

if [ "$check" = 1 ]; then
  target_dir="$(mktemp -d "${TMPDIR:-/tmp}/iceberg-rx-decoder-check.XXXXXX")"
  trap 'rm -rf "$target_dir"' EXIT
else
  target_dir="${CARGO_TARGET_DIR:-$here/target}"
  mkdir -p "$target_dir"
  target_dir="$(cd "$target_dir" && pwd)"
fi

# The default target dir is inside this folder, so its mapping comes after this folder's: rustc
# applies the last mapping that matches, clang the longest.
maps=("$cargo_home=/cargo" "$sysroot=/rustc-toolchain" "$here=/decoder" "$target_dir=/target")
rustflags=""
cflags=""
for m in "${maps[@]}"; do
  rustflags+=" --remap-path-prefix=$m"
  cflags+=" -ffile-prefix-map=$m"
done

export CC_wasm32_unknown_unknown="$clang"
export AR_wasm32_unknown_unknown="$llvm_ar"
export CFLAGS_wasm32_unknown_unknown="${cflags# }"
export RUSTFLAGS="${rustflags# }"
export CONST_RANDOM_SEED="iceberg-rx-decoder"
export CARGO_TARGET_DIR="$target_dir"
# Nothing from the environment should change the output.
unset CARGO_BUILD_RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS || true

# Two modules from the one crate: the decoder (what scans, workers and web pages load) and, with
# feature `writer`, the Parquet writer of the distributed outputs. The shared dependencies are
# compiled once; each link keeps only what its exports reach.
release="$target_dir/wasm32-unknown-unknown/release/iceberg_rx_decoder.wasm"
built_decoder="$target_dir/iceberg-rx-decoder.wasm"
built_writer="$target_dir/iceberg-rx-writer.wasm"
cargo build --release --target wasm32-unknown-unknown --locked
cp "$release" "$built_decoder"
cargo build --release --target wasm32-unknown-unknown --locked --features writer
cp "$release" "$built_writer"

sha() { sha256sum "$1" | cut -d' ' -f1; }
status=0
for name in iceberg-rx-decoder iceberg-rx-writer; do
  built="$target_dir/$name.wasm"
  module="$here/$name.wasm"
  if [ "$check" = 1 ]; then
    if [ ! -f "$module" ]; then
      echo "decoder/build.sh: no committed module at $module: run bash decoder/build.sh" >&2
      status=1
    elif cmp -s "$built" "$module"; then
      echo "decoder/build.sh --check: OK, the build matches the committed $name.wasm ($(sha "$module"))"
    else
      echo "decoder/build.sh: the build of $name.wasm ($(sha "$built"), $(wc -c <"$built") bytes) differs from the committed $module ($(sha "$module"), $(wc -c <"$module") bytes): rebuild with bash decoder/build.sh and commit it, or find what made the build differ" >&2
      status=1
    fi
  else
    cp "$built" "$module"
    echo "decoder/build.sh: wrote $module ($(wc -c <"$module") bytes, sha256 $(sha "$module"))"
  fi
done
exit "$status"
