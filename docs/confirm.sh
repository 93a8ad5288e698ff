#!/bin/sh
# confirm.sh measures --confirm (BENCHMARKS.md, "Confirmation"): for each
# scenario whose buggy variant predicts a lock-order cycle, and for the
# overlapping transfers of cmd/testdata/confirm, the wall time of a run
# with and without --confirm, and what the confirmation said. Run from the
# repository root.
set -u
go build -o /tmp/lockscope-confirm ./cmd/lockscope || exit 2
ls=/tmp/lockscope-confirm
out=$(mktemp -d)

secs() { # command...: wall seconds
	start=$(date +%s.%N)
	"$@" >/dev/null 2>&1
	end=$(date +%s.%N)
	echo "$end - $start" | bc
}

status() { # dir
	jq -r '[.findings[] | select(.kind == "lock-order-cycle") | "\(.confirmation.status // "-") after \(.confirmation.attempts // 0)"] | join("; ")' "$1/findings.json"
}

printf '%-34s %8s %8s  %s\n' target plain confirm outcome
for sc in bank-transfer dining-philosophers gate-lock lock-timeout; do
	p=$(secs $ls run "$sc" --out "$out/$sc-p" --format json)
	c=$(secs $ls run "$sc" --confirm --out "$out/$sc-c" --format json)
	printf '%-34s %7.1fs %7.1fs  %s\n' "$sc" "$p" "$c" "$(status "$out/$sc-c")"
done
cd cmd/testdata/confirm || exit 2
p=$(secs $ls test . --timeout 10s --out "$out/t-p" --format json -- -run '^TestTransfersOverlap$')
c=$(secs $ls test . --timeout 10s --confirm --out "$out/t-c" --format json -- -run '^TestTransfersOverlap$')
printf '%-34s %7.1fs %7.1fs  %s\n' "testdata/confirm TestTransfersOverlap" "$p" "$c" "$(status "$out/t-c")"
p=$(secs $ls test ./pipeline --timeout 10s --out "$out/m-p" --format json)
c=$(secs $ls test ./pipeline --timeout 10s --confirm --out "$out/m-c" --format json)
printf '%-34s %7.1fs %7.1fs  %s\n' "testdata/confirm/pipeline TestProgress" "$p" "$c" \
	"$(jq -r '[.findings[] | select(.kind == "mixed-deadlock") | "\(.confirmation.status // "-") after \(.confirmation.attempts // 0)"] | join("; ")' "$out/m-c/findings.json")"
rm -rf "$out"
