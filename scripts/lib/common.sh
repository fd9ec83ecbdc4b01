# Shared helpers for the scripts in scripts/. Source it; do not run it.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT

# Downloads and builds kept between runs on one machine (never required to be there).
REFLECTOR_CACHE_DIR="${REFLECTOR_CACHE_DIR:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/reflector}"
export REFLECTOR_CACHE_DIR

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Debian packages the build, the demo and the tests need (ARCHITECTURE.md's list plus test tools;
# clang-14, libclang-rt-14-dev (libFuzzer and the sanitizer runtimes, only recommended by clang)
# and llvm-14 (llvm-symbolizer) for scripts/fuzz).
# Do not add libboost-dev: it conflicts with the 1.81 packages.
REFLECTOR_BUILD_PACKAGES=(
  g++ cmake ninja-build pkg-config git ca-certificates
  ffmpeg libavformat-dev libavcodec-dev libavfilter-dev libswresample-dev libavutil-dev
  libpocketsphinx-dev pocketsphinx-en-us
  libcurl4-openssl-dev libssl-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  nlohmann-json3-dev libspdlog-dev libcli11-dev
  libsoci-dev libpq-dev libsqlite3-dev
  libstemmer-dev wordnet-base
  libgtest-dev libgmock-dev libbenchmark-dev
  flite sox time clang-format clang-tidy python3 ccache curl
  clang-14 libclang-rt-14-dev llvm-14
  nodejs chromium
)

# The web page's test tools (web/package-lock.json: playwright-core, which drives Debian's
# chromium above and never downloads a browser). npm is a package of its own in Debian and part
# of nodejs elsewhere (NodeSource), so it is installed only when the command is missing.
install_web_test_tools() {
  command -v npm >/dev/null || install_packages npm
  local web="$REPO_ROOT/web"
  if [ -f "$web/node_modules/.package-lock.json" ] && [ "$web/node_modules/.package-lock.json" -nt "$web/package-lock.json" ]; then
    return 0
  fi
  say "installing the web test tools (npm ci in web/)"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

# Installs the packages that are missing (quick when everything is there).
install_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "run as root or install sudo to install: ${missing[*]}"
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
