#!/usr/bin/env bash
# Runs a partnersim sweep on a Slurm cluster as a job array of SHARDS tasks, waits for it
# (sbatch --wait), then merges the shards into OUT_DIR.
#
#   deploy/slurm/run-sweep.sh SWEEP OUT_DIR SHARDS
#
# Shards are written to OUT_DIR.shards/ (on a file system the compute nodes share) and kept:
# if a task fails, run the same command again and the finished shards are kept while the rest
# resume. OUT_DIR.shards/settings records the sweep file, SHARDS and the rollouts per point of the
# first run (PARTNERSIM_ROLLOUTS, or the sweep file's own count when it is unset), and the hashes
# of the sweep file and its resolved base scenario: shards of one count cannot be resumed as
# another, nor of other rollouts or an edited sweep, so a rerun that differs is refused (exit 3)
# before anything is submitted. A failed array job exits 1 (the shards are kept); no sbatch on
# PATH exits 4. Extra sbatch options (partition, account, time, CPUs per task) can be given in
# SBATCH_* variables, e.g. SBATCH_PARTITION=compute SBATCH_TIMELIMIT=2:00:00 SBATCH_ACCOUNT=proj.
#
# Environment: PARTNERSIM_BIN (the binary; default `partnersim` on PATH), PARTNERSIM_ROLLOUTS
# (rollouts per point, overriding the sweep file), PARTNERSIM_CPUS_PER_TASK (CPUs, and so
# threads, per array task; default 1).
set -euo pipefail

usage() {
  echo "usage: $0 SWEEP OUT_DIR SHARDS" >&2
  exit 2
}
[[ $# -eq 3 ]] || usage
[[ $3 =~ ^[1-9][0-9]*$ ]] || usage
sweep=$(realpath "$1")
out=$(realpath -m "$2")
shards=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

bin=${PARTNERSIM_BIN:-partnersim}
if [[ $bin != */* ]]; then
  # Looked up into another variable: a failed lookup must not empty $bin before it is named.
  found=$(command -v "$bin") ||
    { echo "error: $bin is not on PATH; set PARTNERSIM_BIN to the partnersim binary" >&2; exit 4; }
  bin=$found
fi
[[ -f $bin && -x $bin ]] ||
  { echo "error: PARTNERSIM_BIN=$bin is not an executable file" >&2; exit 4; }
bin=$(realpath "$bin")
export PARTNERSIM_BIN=$bin
[[ -r $sweep ]] || { echo "error: cannot read sweep file $sweep" >&2; exit 4; }
if [[ -e $out ]]; then
  echo "error: $out already exists; choose another OUT_DIR" >&2
  exit 5
fi
# Fail fast on a bad sweep file or point, before anything is queued.
check=(sweep "$sweep" --check)
[[ -n ${PARTNERSIM_ROLLOUTS:-} ]] && check+=(--rollouts "$PARTNERSIM_ROLLOUTS")
checked=$("$bin" "${check[@]}") || exit $?
printf '%s\n' "$checked" >&2
# The hashes a resume compares: an edited sweep file or base scenario cannot resume the shards.
hashes=$(sed -n 's/^ *\(sweep file\|base scenario\) sha256 /\1 /p' <<<"$checked" | tr '\n' ' ')
# The rollouts per point the shards will run, as the binary resolved them: recorded as a number,
# so that a rerun giving the sweep file's own count in PARTNERSIM_ROLLOUTS resumes a first run
# that left it unset, and the other way round.
rollouts_of() { sed -n 's/^.*, [0-9]* points x \([0-9]*\) rollouts, every point valid$/\1/p' <<<"$1"; }
rollouts=$(rollouts_of "$checked")
[[ -n $rollouts ]] ||
  { echo "error: cannot read the rollouts per point from \`$bin sweep --check\`" >&2; exit 1; }

work="$out.shards"
# Without Slurm nothing can run: say so before a first run writes its settings (they would then
# bind a later run on a real cluster to this one's SHARDS).
no_sbatch() {
  echo "error: sbatch is not on PATH: run this where Slurm's commands are (a login node), or install Slurm" >&2
  exit 4
}
[[ -f $work/settings ]] || command -v sbatch >/dev/null || no_sbatch
mkdir -p "$work"
# What the shards in $work were started with. A rerun must match: shard I of N does not resume
# as shard I of M, nor rows of other rollouts.
settings="sweep=$sweep
shards=$shards
rollouts=$rollouts
contents=$hashes"
if [[ -f $work/settings ]]; then
  recorded=$(<"$work/settings")
  value() { sed -n "s/^$1=//p" <<<"$2"; }
  # Settings written before the count was recorded as a number leave it empty when the first
  # run used the sweep file's own count. With the same file contents (compared as well) that
  # is the count the file gives now.
  if [[ -z $(value rollouts "$recorded") && $(value contents "$recorded") == "$hashes" ]]; then
    own=$("$bin" sweep "$sweep" --check) || exit $?
    recorded=$(sed "s/^rollouts=\$/rollouts=$(rollouts_of "$own")/" <<<"$recorded")
  fi
  # They also kept PARTNERSIM_ROLLOUTS as typed: `0500` or `+500` is the 500 compared here.
  recorded=$(sed 's/^rollouts=+\{0,1\}0*\([0-9]\)/rollouts=\1/' <<<"$recorded")
  if [[ $recorded != "$settings" ]]; then
    if [[ -n ${PARTNERSIM_ROLLOUTS:-} ]]; then
      asked="PARTNERSIM_ROLLOUTS=$rollouts"
    else
      asked="$rollouts (PARTNERSIM_ROLLOUTS unset: the sweep file's count)"
    fi
    echo "error: $work holds the shards of an earlier run that this one cannot resume:" >&2
    for key in sweep shards rollouts contents; do
      was=$(value "$key" "$recorded")
      now=$(value "$key" "$settings")
      # An old settings file left the count empty; with the file since edited it is not known,
      # and the changed contents are the reason given.
      if [[ $was != "$now" && ! ($key == rollouts && -z $was) ]]; then
        case $key in
          sweep) echo "  it ran sweep file $was; this run gives $now" >&2 ;;
          shards) echo "  it ran SHARDS=$was; this run asks for $now" >&2 ;;
          rollouts) echo "  it ran $was rollouts per point; this run asks for $asked" >&2 ;;
          contents) echo "  the sweep file or its base scenario changed since (sha256 then: $was; now: $now): restore them to finish that run" >&2 ;;
        esac
      fi
    done
    again="$0 $(value sweep "$recorded") $out $(value shards "$recorded")"
    was=$(value rollouts "$recorded")
    if [[ -n $was ]]; then
      again="PARTNERSIM_ROLLOUTS=$was $again"
    elif [[ -n ${PARTNERSIM_ROLLOUTS:-} ]]; then
      # An old settings file of an edited sweep: its count is the old file's, not known here.
      again="env -u PARTNERSIM_ROLLOUTS $again"
    fi
    echo "to finish that run, rerun it with its settings: $again" >&2
    echo "to start over with this run's settings, remove $work first (its finished shards are lost)" >&2
    exit 3
  fi
else
  printf '%s\n' "$settings" >"$work/settings.tmp"
  mv "$work/settings.tmp" "$work/settings"
fi
# Checked here, after the settings, so that a refused rerun says why wherever it is run.
command -v sbatch >/dev/null || no_sbatch
echo "submitting $shards array tasks for $sweep; shards in $work" >&2
status=0
sbatch --wait --quiet \
  --array="0-$((shards - 1))" \
  --job-name="partnersim-$(basename "$sweep" .toml)" \
  --output="$work/slurm-%A_%a.out" \
  --open-mode=append \
  --chdir="$work" \
  --cpus-per-task="${PARTNERSIM_CPUS_PER_TASK:-1}" \
  --export=ALL \
  "$here/sweep.sbatch" "$sweep" "$work" || status=$?
if [[ $status -ne 0 ]]; then
  echo "error: the array job failed (sbatch exit $status); logs: $work/slurm-*.out" >&2
  echo "run the same command again (same SHARDS and PARTNERSIM_ROLLOUTS) to resume the unfinished shards" >&2
  exit 1
fi

dirs=()
for ((i = 0; i < shards; i++)); do
  dirs+=("$work/shard-$i")
done
"$bin" merge "${dirs[@]}" --out "$out"
