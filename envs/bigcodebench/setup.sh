#!/bin/sh
# Runs inside the debootstrapped root (chroot) after the packages are installed.
set -eu
# Unprivileged user that every judgment runs as.
groupadd --gid 1000 judge
useradd --uid 1000 --gid 1000 --home-dir /home/judge --create-home --shell /usr/sbin/nologin judge
# pycryptodome ships as "Cryptodome"; BigCodeBench code imports "Crypto".
site=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
ln -s /usr/lib/python3/dist-packages/Cryptodome /usr/lib/python3/dist-packages/Crypto
# Matplotlib font cache built once; the judge copies it to the writable scratch at start.
mkdir -p /opt/mplconfig
MPLCONFIGDIR=/opt/mplconfig python3 -c 'import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt; plt.figure()'
chmod -R a+rX /opt/mplconfig
# Mount point for the judge program (bind-mounted read-only at run time).
mkdir -p /judge
# NLTK data in NLTK's layout, built from Debian packages (bookworm) and the npm packages that
# build-image.sh unpacked into /tmp/recipe/npm; nltk_data.py says which file comes from where.
mkdir -p /tmp/nltk-src
(cd /tmp/nltk-src && apt-get download -qq golang-gopkg-neurosnap-sentences.v1-dev golang-github-jdkato-prose-dev miscfiles wordnet-base)
for deb in /tmp/nltk-src/*.deb; do dpkg-deb -x "$deb" /tmp/nltk-src; done
mv /tmp/recipe/npm /tmp/nltk-src/npm
python3 /tmp/recipe/nltk_data.py /tmp/nltk-src /usr/share/nltk_data
chmod -R a+rX /usr/share/nltk_data
rm -rf /tmp/nltk-src
# Pure-Python libraries that only Debian unstable packages: their files are copied in (no dpkg record).
# Signatures are checked; expiry is not, since a frozen mirror snapshot may serve an expired sid Release.
sid=/tmp/sid
mkdir -p $sid/lists/partial $sid/archives/partial
echo "deb ${DEBIAN_MIRROR:-http://deb.debian.org/debian} sid main" >$sid/sources.list
sidapt="-o Acquire::Check-Valid-Until=false -o Dir::Etc::sourcelist=$sid/sources.list -o Dir::Etc::sourceparts=- -o Dir::State::Lists=$sid/lists -o Dir::Cache::archives=$sid/archives -o Dir::State::status=/dev/null"
apt-get $sidapt update -qq
for pkg in $(grep -v '^\s*#' /tmp/recipe/sid-python.txt | grep -v '^\s*$'); do
  (cd $sid && apt-get $sidapt download -qq "$pkg") || { echo "setup: $pkg is no longer in sid (edit envs/bigcodebench/sid-python.txt)" >&2; exit 1; }
  deb=$(ls $sid/${pkg}_*.deb)
  [ "$(dpkg-deb -f "$deb" Architecture)" = all ] || { echo "setup: $pkg is not pure Python (Architecture != all)" >&2; exit 1; }
  dpkg-deb -x "$deb" $sid/root
done
cp -r $sid/root/usr/lib/python3/dist-packages/. /usr/lib/python3/dist-packages/
rm -rf $sid
# Byte-compile what apt left uncompiled so a fresh interpreter does not try to write .pyc files.
python3 -m compileall -q /usr/lib/python3/dist-packages >/dev/null 2>&1 || true
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/share/doc/* /usr/share/man/* /usr/share/info/*
# Hard dependencies that no judged code uses take 2.7 GB: TeX Live (matplotlib's usetex) and the
# Azure SDK (smart_open's azure:// support, imported lazily). Their install scripts already ran.
# Files other packages link into TeX Live (wordcloud's DroidSansMono.ttf) are copied out first.
find /usr/lib /usr/share -xdev \( -path /usr/share/texlive -o -path /usr/share/texmf \) -prune -o -type l -print 2>/dev/null | while read -r link; do
  target=$(readlink -f "$link" || true)
  case "$target" in
    /usr/share/texlive/*|/usr/share/texmf/*)
      if [ -f "$target" ]; then rm "$link"; cp "$target" "$link"; fi ;;
  esac
done
rm -rf /usr/share/texlive /usr/share/texmf /var/lib/texmf /usr/lib/python3/dist-packages/azure /usr/lib/python3/dist-packages/azure_*
