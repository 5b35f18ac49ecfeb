#!/usr/bin/env bash
# Builds samples' EPUB from ImageMagick's built-in images, so the sample's recipe lives in the
# repository and nothing binary is committed. Usage: make-sample-epub.sh OUT.epub
#   cover.jpg     a 1200x1800 YCbCr JPEG cover (EPUB 3 cover-image)
#   wizard.jpg    ImageMagick's logo, progressive JPEG
#   rose.png      a small RGB PNG (smaller than the screen: kept at its size)
#   diagram.png   a palette PNG with transparency
#   gradient.png  a 16-bit gray ramp
#   badge.gif     a GIF: listed as skipped, with the reason
set -euo pipefail
out=$(realpath -m "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/META-INF" "$work/OEBPS/images"
img="$work/OEBPS/images"
convert -size 1200x1800 -seed 42 plasma:steelblue-ivory -blur 0x2 -font DejaVu-Sans \
  -gravity center -pointsize 150 -fill black -annotate +0-300 'inkpipe' \
  -pointsize 70 -annotate +0+0 'a sample book' -quality 88 "$img/cover.jpg"
convert logo: -interlace JPEG -quality 85 "$img/wizard.jpg"
convert rose: "$img/rose.png"
convert -size 640x400 xc:none -fill '#1060c0' -draw 'circle 200,200 200,60' \
  -fill '#c03030' -draw 'rectangle 330,80 600,320' -colors 8 "PNG8:$img/diagram.png"
convert -size 256x640 gradient:white-black -depth 16 "$img/gradient.png"
convert -size 120x60 xc:gold -font DejaVu-Sans -fill black -draw 'text 20,35 "GIF"' "$img/badge.gif"
printf 'application/epub+zip' >"$work/mimetype"
cat >"$work/META-INF/container.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
XML
cat >"$work/OEBPS/content.opf" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">urn:uuid:5f3c2b1a-inkpipe-sample</dc:identifier>
    <dc:title>inkpipe sample</dc:title>
    <dc:language>en</dc:language>
    <meta property="dcterms:modified">2026-11-22T00:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="ch1" href="chapter.xhtml" media-type="application/xhtml+xml"/>
    <item id="cover" href="images/cover.jpg" media-type="image/jpeg" properties="cover-image"/>
    <item id="wizard" href="images/wizard.jpg" media-type="image/jpeg"/>
    <item id="rose" href="images/rose.png" media-type="image/png"/>
    <item id="diagram" href="images/diagram.png" media-type="image/png"/>
    <item id="gradient" href="images/gradient.png" media-type="image/png"/>
    <item id="badge" href="images/badge.gif" media-type="image/gif"/>
  </manifest>
  <spine><itemref idref="ch1"/></spine>
</package>
XML
cat >"$work/OEBPS/nav.xhtml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>Contents</title></head>
<body><nav epub:type="toc"><ol><li><a href="chapter.xhtml">Pictures</a></li></ol></nav></body>
</html>
XML
cat >"$work/OEBPS/chapter.xhtml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml">
<head><title>Pictures</title></head>
<body>
<h1>Pictures</h1>
<p><img src="images/wizard.jpg" alt="wizard"/></p>
<p><img src="images/rose.png" alt="rose"/> <img src="images/diagram.png" alt="diagram"/></p>
<p><img src="images/gradient.png" alt="ramp"/> <img src="images/badge.gif" alt="badge"/></p>
</body>
</html>
XML
rm -f "$out"
(cd "$work" && zip -q -X0 "$out" mimetype && zip -q -X9r "$out" META-INF OEBPS)
echo "$out"
