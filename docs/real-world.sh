#!/usr/bin/env bash
# Re-runs docs/real-world.md: fetches the five modules through the module
# proxy into a scratch directory, and runs plain go test and lockscope test
# on each, twice, printing wall times and lockscope's summary.
#
#   docs/real-world.sh [SCRATCH]      (default /tmp/lockscope-real-world)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=${1:-/tmp/lockscope-real-world}
mkdir -p "$scratch"
go build -o "$scratch/lockscope" "$repo/cmd/lockscope"

fetch() { # module@version dir
	local src
	src=$(GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	rm -rf "$scratch/$2"
	cp -r "$src" "$scratch/$2"
	chmod -R u+w "$scratch/$2"
	if [ ! -f "$scratch/$2/go.mod" ]; then (cd "$scratch/$2" && go mod init "${1%@*}" >/dev/null 2>&1); fi
	(cd "$scratch/$2" && go mod download >/dev/null 2>&1 || true)
}

timed() { # label command...
	local start end
	start=$(date +%s.%N)
	"${@:2}" >"$scratch/last.out" 2>&1 || true
	end=$(date +%s.%N)
	printf '%-28s %6.2f s\n' "$1" "$(echo "$end - $start" | bc)"
}

run() { # dir lockscope-test-args... :: go-test-args...
	local dir=$1; shift
	local ls_args=() go_args=()
	while [ "$1" != "::" ]; do ls_args+=("$1"); shift; done
	shift
	go_args=("$@")
	cd "$scratch/$dir"
	echo "== $dir ($(go list -m))"
	for i in 1 2; do
		timed "go test (run $i)" go test -count=1 "${go_args[@]}"
		timed "lockscope test (run $i)" "$scratch/lockscope" test --out "$scratch/out-$dir" "${ls_args[@]}"
	done
	grep -E '^(ERROR|WARNING|INFO) |errors?, ' "$scratch/last.out" || true
}

fetch github.com/patrickmn/go-cache@v2.1.0+incompatible go-cache
fetch github.com/hashicorp/golang-lru/v2@v2.0.7 golang-lru
fetch github.com/hashicorp/go-memdb@v1.3.5 go-memdb
fetch github.com/allegro/bigcache/v3@v3.1.0 bigcache
fetch go.etcd.io/bbolt@v1.5.0 bbolt

bbolt_pkgs=(. ./cmd/... ./errors ./internal/... ./tests/dmflakey ./tests/robustness ./tests/utils ./version)
run go-cache ./... -- -short :: -short ./...
run golang-lru ./... -- -short :: -short ./...
run go-memdb ./... -- -short :: -short ./...
run bigcache ./... --timeout 3m -- -short :: -short ./...
run bbolt "${bbolt_pkgs[@]}" --timeout 5m -- -short :: -short "${bbolt_pkgs[@]}"
