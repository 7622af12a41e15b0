#!/usr/bin/env bash
# Manual check of the pre-commit hook in .pre-commit-hooks.yaml, as a user would run it.
#
#   scripts/check_precommit.sh
#
# `pre-commit try-repo . claimcheck --files claims/stem-cell-safety.yaml --verbose` would be
# the one-liner, but try-repo cannot pass the hook args, and the seed map must be audited
# offline (`--replay claims/stem-cell-safety.evidence`). So, in a temporary directory, this:
#   1. snapshots this checkout's working tree (tracked and untracked, not ignored files)
#      into a throwaway git repository with one commit, as try-repo does, so uncommitted
#      changes to the hook are tested and this checkout's own history is not touched;
#   2. makes a consumer repository holding a copy of claims/ and a .pre-commit-config.yaml
#      with `repo: <snapshot>`, `rev: <its commit>` and the hook with
#      `args: [--replay, claims/stem-cell-safety.evidence]`;
#   3. runs `pre-commit run claimcheck --all-files --verbose` there. pre-commit is taken from
#      PATH, or installed into a temporary virtual environment.
# pre-commit builds the hook's environment by installing claimcheck and its dependencies
# from the package index, so this needs that network access. That is why it is a manual
# check and not part of the pytest suite.
#
# Exit code: pre-commit's. One exception: the seed audit fails claimcheck's gate (exit 1:
# three unsupported claims), so exit 1 counts as "the hook ran" (exit 0) ONLY when the
# output shows claimcheck's gate sentence "gate failed (exit 1)". Any other exit 1
# (hook not found, an install failure, a crash) stays 1.
#
# Environment: PYTHON (default python3) for the temporary venv; KEEP_TMP=1 keeps the
# temporary directory and prints its path.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/claimcheck-precommit.XXXXXX")
if [ "${KEEP_TMP:-}" = 1 ]; then
  echo "check_precommit: keeping $tmp" >&2
else
  trap 'rm -rf -- "$tmp"' EXIT
fi

git_quiet() {  # git with no user hooks, signing or identity needed
  git -c user.name=check_precommit -c user.email=check_precommit@example.invalid \
    -c commit.gpgsign=false -c core.hooksPath=/dev/null "$@"
}

# 1. The hook repository: a snapshot of the working tree, committed once.
snapshot="$tmp/hook-repo"
mkdir -p "$snapshot"
git -C "$root" ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' file; do
    if [ -e "$root/$file" ] || [ -L "$root/$file" ]; then printf '%s\0' "$file"; fi
  done |
  tar -C "$root" --null -T - -cf - | tar -C "$snapshot" -xf -
git_quiet -C "$snapshot" init -q
git_quiet -C "$snapshot" add -A
git_quiet -C "$snapshot" commit -q --no-verify -m "snapshot of $root"
rev=$(git -C "$snapshot" rev-parse HEAD)
echo "check_precommit: hook repo = snapshot of $root (HEAD $(git -C "$root" rev-parse --short HEAD) + working tree), rev $rev" >&2

# 2. The consumer repository.
consumer="$tmp/consumer"
mkdir -p "$consumer"
cp -R "$root/claims" "$consumer/claims"
cat >"$consumer/.pre-commit-config.yaml" <<EOF
repos:
  - repo: '$snapshot'
    rev: '$rev'
    hooks:
      - id: claimcheck
        args: [--replay, claims/stem-cell-safety.evidence]
EOF
git_quiet -C "$consumer" init -q
git_quiet -C "$consumer" add -A

# 3. pre-commit, from PATH or a temporary virtual environment.
if command -v pre-commit >/dev/null 2>&1; then
  pre_commit=$(command -v pre-commit)
else
  echo "check_precommit: installing pre-commit into a temporary virtual environment" >&2
  "$python" -m venv "$tmp/venv"
  "$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check pre-commit
  pre_commit="$tmp/venv/bin/pre-commit"
fi
echo "check_precommit: $("$pre_commit" --version)" >&2

log="$tmp/pre-commit.log"
set +e
(
  cd "$consumer" &&
    PRE_COMMIT_HOME="$tmp/cache" "$pre_commit" run claimcheck --all-files --verbose --color never
) 2>&1 | tee "$log"
code=${PIPESTATUS[0]}
set -e

if [ "$code" -eq 1 ] && grep -qF "gate failed (exit 1)" "$log"; then
  echo "check_precommit: the hook ran; claimcheck's gate failed as expected for the seed map (pre-commit exit 1 accepted)" >&2
  exit 0
fi
echo "check_precommit: pre-commit exited $code" >&2
exit "$code"
