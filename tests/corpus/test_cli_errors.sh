#!/usr/bin/env bash
# The CLI's contract on bad input and bad usage: a truncated JPEG, a truncated PNG, random bytes
# named .png, an empty file, a missing file and an unwritable output all fail with exit code 1,
# a message naming the file, and no file (not even a temporary one) under the output name;
# unknown options and bad values exit 2 with a one-line message. Fixtures are made here with
# ImageMagick and head(1). Run under ASan/UBSan by tests/run.sh's second build.
set -u
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { # description, expected exit, command...
    local what=$1 want=$2
    shift 2
    "$@" >"$work/stdout" 2>"$work/stderr"
    local got=$?
    if [ "$got" -eq "$want" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $what: exit $got, expected $want"
        sed 's/^/    /' "$work/stderr"
    fi
}
no_output() { # description, path
    if ls "$2"* >/dev/null 2>&1; then
        failed=$((failed + 1)); echo "FAIL $1: left $(ls "$2"*)"
    else
        passed=$((passed + 1))
    fi
}
mentions() { # description, text
    if grep -q -- "$2" "$work/stderr"; then passed=$((passed + 1)); else
        failed=$((failed + 1)); echo "FAIL $1: stderr lacks '$2':"; sed 's/^/    /' "$work/stderr"; fi
}

convert -size 640x480 plasma:fractal -seed 7 "$work/photo.jpg"
convert -size 300x200 gradient:white-black "$work/ramp.png"
size=$(stat -c %s "$work/photo.jpg")
head -c $((size / 2)) "$work/photo.jpg" >"$work/half.jpg"
psize=$(stat -c %s "$work/ramp.png")
head -c $((psize - 20)) "$work/ramp.png" >"$work/cut.png"
head -c 5000 /dev/urandom >"$work/random.png"
: >"$work/empty.jpg"

for codec in system arena; do
    for bad in half.jpg cut.png random.png empty.jpg; do
        out="$work/out-$codec-$bad.bmp"
        check "$bad ($codec)" 1 "$INKPIPE" convert "$work/$bad" -o "$out" --codec "$codec"
        no_output "$bad ($codec)" "$out"
        mentions "$bad names the file ($codec)" "$bad"
    done
done
check "missing input" 1 "$INKPIPE" convert "$work/none.jpg" -o "$work/none.bmp"
no_output "missing input" "$work/none.bmp"
check "output folder missing" 1 "$INKPIPE" convert "$work/photo.jpg" -o "$work/no/such/dir/x.bmp"

# a failed conversion over an existing file leaves the old file as it was
cp "$work/photo.jpg" "$work/keep.bmp"
check "failure keeps old output" 1 "$INKPIPE" convert "$work/half.jpg" -o "$work/keep.bmp"
if cmp -s "$work/photo.jpg" "$work/keep.bmp"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL the old output was touched"; fi

check "good JPEG" 0 "$INKPIPE" convert "$work/photo.jpg" -o "$work/good.bmp"
check "good PNG decode" 0 "$INKPIPE" decode "$work/ramp.png" -o "$work/ramp.pgm"
check "unknown option" 2 "$INKPIPE" convert "$work/photo.jpg" -o "$work/x.bmp" --frobnicate
mentions "unknown option named" "--frobnicate"
check "bad size" 2 "$INKPIPE" convert "$work/photo.jpg" -o "$work/x.bmp" --size 480by800
check "too wide" 2 "$INKPIPE" convert "$work/photo.jpg" -o "$work/x.bmp" --size 2000x800
check "bad fit" 2 "$INKPIPE" convert "$work/photo.jpg" -o "$work/x.bmp" --fit stretch
check "bad dither" 2 "$INKPIPE" convert "$work/photo.jpg" -o "$work/x.bmp" --dither blue
check "bad codec" 2 "$INKPIPE" convert "$work/photo.jpg" -o "$work/x.bmp" --codec magic
check "missing value" 2 "$INKPIPE" convert "$work/photo.jpg" -o "$work/x.bmp" --size
check "bad scale" 2 "$INKPIPE" decode "$work/photo.jpg" -o "$work/x.pgm" --scale 3
check "unknown command" 2 "$INKPIPE" frobnicate
check "no arguments" 2 "$INKPIPE"
check "help" 0 "$INKPIPE" --help
check "version" 0 "$INKPIPE" --version
check "arena" 0 "$INKPIPE" arena
no_output "no stray temporaries" "$work/x.bmp"
leftovers=$(ls "$work" | grep -c '\.tmp-' || true)
if [ "$leftovers" -eq 0 ]; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL temporary files left: $(ls "$work" | grep '\.tmp-')"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
