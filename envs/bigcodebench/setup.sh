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
