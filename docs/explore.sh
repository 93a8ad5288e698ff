#!/bin/sh
# explore.sh measures --explore (BENCHMARKS.md, "Schedule exploration"): how
# many of 20 runs find each interleaving-dependent bug with and without
# exploration, on the explore scenarios and on the corpus of
# cmd/testdata/explore, one test at a time. Run from the repository root.
set -u
go build -o /tmp/lockscope-explore ./cmd/lockscope || exit 2
ls=/tmp/lockscope-explore
out=$(mktemp -d)
runs=${RUNS:-20}

# found DIR KIND: how many runs saw a finding of KIND on their own.
found() {
	jq -r --arg k "$2" '[.findings[] | select(.kind == $k) | .seen[]?.run] | unique | length' "$1/findings.json"
}

printf '%-32s %-8s %s\n' target explore "runs that found it (of $runs)"
for sc in pool-close-race:target-failure lost-wakeup:blocked-forever; do
	name=${sc%%:*} kind=${sc#*:}
	for ex in true false; do
		$ls run "$name" --explore=$ex --runs "$runs" --out "$out/$name-$ex" --format json --fail-on never >/dev/null 2>&1
		printf '%-32s %-8s %s\n' "$name" "$ex" "$(found "$out/$name-$ex" "$kind")"
	done
done
cd cmd/testdata/explore || exit 2
for t in TestSessionOnce TestCloseTwice TestCounterAdds; do
	for ex in true false; do
		$ls test --explore=$ex --runs "$runs" --out "$out/$t-$ex" --format json --fail-on never -- -run "^$t\$" >/dev/null 2>&1
		printf '%-32s %-8s %s\n' "corpus $t" "$ex" "$(found "$out/$t-$ex" target-failure)"
	done
done
rm -rf "$out"
