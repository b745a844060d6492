#!/bin/sh
# make-xmpp-seeds.sh - regenerates the XMPP fuzz seeds in
# tests/fuzz/seeds/xmpp-stanza/ and tests/fuzz/seeds/xmpp-item/ from the
# golden files of tests/data/xmpp/ and the streams below; run it after
# changing either, and commit the result (the tests never run it).
#
#   xmpp-item/good-*, bad-*  each document of tests/data/xmpp/good|bad
#   xmpp-stanza/*            two selector bytes (tests/fuzz/fuzz_xmpp.h)
#                            and a stream: Contrail sessions both ways,
#                            each golden document alone, and refusals
#   crash-*                  inputs the fuzzers once crashed on: kept,
#                            never made here
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
data=$top/tests/data/xmpp
item=$top/tests/fuzz/seeds/xmpp-item
stanza=$top/tests/fuzz/seeds/xmpp-stanza
mkdir -p "$item" "$stanza"
rm -f "$item"/good-* "$item"/bad-* "$stanza"/s-* "$stanza"/doc-*

for f in "$data"/good/*.xml; do
	cp "$f" "$item/good-$(basename "$f" .xml)"
done
for f in "$data"/bad/*.xml; do
	cp "$f" "$item/bad-$(basename "$f" .xml)"
done

# seed NAME SEL LIM FILE...: the selector bytes (hex), then the files.
seed() {
	name=$1 sel=$2 lim=$3
	shift 3
	{ printf "\\$(printf '%03o' "0x$sel")\\$(printf '%03o' "0x$lim")"
	  cat "$@"; } >"$stanza/$name"
}

tmp=$(mktemp -d /tmp/mirador-xseeds-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
printf '<stream:stream from="compute-7" to="network-control@contrailsystems.com" version="1.0" xml:lang="en" xmlns="" xmlns:stream="http://etherx.jabber.org/streams" >' >"$tmp/open"
printf '<?xml version="1.0"?><stream:stream from="ctl-node-1" to="compute-7" id="++123" version="1.0" xml:lang="en" xmlns="jabber:client" xmlns:stream="http://etherx.jabber.org/streams" >' >"$tmp/reply"
printf '\310\200' >"$tmp/ka"
printf ' \n\t\r' >"$tmp/ws"
printf '</stream:stream>' >"$tmp/close"
printf '<stream:features><starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls"><required/></starttls></stream:features>' >"$tmp/features"
printf '<?xml version="1.0"?>\n<starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls"/>' >"$tmp/starttls"
printf '<?xml version="1.0"?>\n<proceed xmlns="urn:ietf:params:xml:ns:xmpp-tls"/>' >"$tmp/proceed"
g=$data/good

# Sessions: the agent's side, the CN's side, TLS negotiation.
seed s-agent-whole 00 00 "$tmp/open" "$tmp/ka" "$g/s22-subscribe.xml" \
	"$g/a1-inet-publish.xml" "$g/s23-inet-collection.xml" \
	"$g/a2-enet-publish.xml" "$g/agent-eor-publish.xml" "$tmp/ws" \
	"$tmp/close"
seed s-agent-bytes 01 00 "$tmp/open" "$tmp/ka" "$g/a1-inet-publish.xml" \
	"$tmp/close"
seed s-agent-pieces-stop 47 00 "$tmp/open" "$tmp/ka" \
	"$g/s22-subscribe.xml" "$g/a2-enet-publish.xml" "$tmp/ka" "$tmp/close"
seed s-cn-whole 00 00 "$tmp/reply" "$tmp/ka" "$g/a3-enet-message.xml" \
	"$g/a4-inet-retract.xml" "$g/s27-inet-message.xml" \
	"$g/s16-cn-eor.xml" "$tmp/close"
seed s-cn-pieces 13 00 "$tmp/reply" "$g/enet-type6-message.xml" \
	"$g/enet-retracts.xml" "$tmp/ws" "$tmp/ka"
seed s-tls 05 00 "$tmp/open" "$tmp/reply" "$tmp/features" \
	"$tmp/starttls" "$tmp/proceed"
seed s-limits-small 3f 23 "$tmp/open" "$g/a1-inet-publish.xml"
seed s-limits-depth 02 40 "$g/a1-inet-publish.xml"
seed s-keepalive-split 01 00 "$tmp/ka" "$tmp/ka" "$tmp/ws" "$tmp/ka"

# Each golden document alone, also as a document (selector bit 7).
for f in "$g"/*.xml; do
	seed "doc-$(basename "$f" .xml)" 85 00 "$f"
done

# Refusals.
printf '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;">]><lolz>&lol1;</lolz>' >"$tmp/laughs"
seed s-billion-laughs 80 00 "$tmp/laughs"
printf '<?php x?><iq/>' >"$tmp/pi"
seed s-pi 00 00 "$tmp/pi"
printf '<iq>\377\300\257</iq>' >"$tmp/utf8"
seed s-bad-utf8 02 00 "$tmp/utf8"
printf '<iq></message>' >"$tmp/mismatch"
seed s-mismatch 00 00 "$tmp/mismatch"
printf 'hello<a:b:c/>' >"$tmp/junk"
seed s-junk 00 00 "$tmp/junk"
printf '<\000i\000q\000/\000>\000' >"$tmp/utf16"
seed s-utf16 01 00 "$tmp/utf16"
printf '<?xml version="1.0" encoding="ISO-8859-1"?><iq/>' >"$tmp/latin1"
seed s-latin1 00 00 "$tmp/latin1"
echo "make-xmpp-seeds: $(ls "$item" | wc -l) item seeds," \
	"$(ls "$stanza" | wc -l) stanza seeds"
