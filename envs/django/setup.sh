#!/bin/sh
# Runs as root in a container of the base sandbox image (with network) and adds Django's source
# tree with its test suite at /opt/django, fetched from Debian's source package (nothing vendored).
set -eu
version=${DJANGO_DEB_VERSION:-}
echo 'deb-src http://deb.debian.org/debian bookworm main' > /etc/apt/sources.list.d/django-src.list
apt-get update -qq
work=$(mktemp -d)
cd "$work"
# --download-only: only the upstream tarball is used, so dpkg-dev (dpkg-source) is not needed.
apt-get source --download-only -qq "python-django${version:+=$version}" >/dev/null
orig=$(ls python-django_*.orig.tar.gz | head -1)
mkdir -p /opt/django
tar -xzf "$orig" -C /opt/django --strip-components=1
test -f /opt/django/tests/runtests.py
# Provenance: the tarball's checksum and the Debian version it came from.
sha256sum "$orig" | cut -d' ' -f1 > /opt/django-source.sha256
ls python-django_*.dsc | sed 's/^python-django_//; s/\.dsc$//' > /opt/django-source.version
cd /
rm -rf "$work" /etc/apt/sources.list.d/django-src.list /var/lib/apt/lists/* /var/cache/apt/*.bin
# Bytecode next to the sources: a judgment's fresh interpreter recompiles only the edited module.
python3 -m compileall -q /opt/django/django /opt/django/tests >/dev/null 2>&1 || true
# The judge user owns the tree so a judgment can write the candidate into its own container layer.
chown -R 1000:1000 /opt/django
# Checksum of the pristine tree (paths + contents, .pyc excluded): judgments are compared against it.
cd /opt/django && find . -type f ! -name '*.pyc' | LC_ALL=C sort | xargs -d '\n' sha256sum | sha256sum | cut -d' ' -f1 > /opt/django-tree.sha256
