# PostgreSQL 15 for the cluster demo (packaging/compose-cluster.yaml), from
# the same Debian 12 base as the gateway image. A demo database: it trusts
# every client on the compose network (no password); a production
# deployment brings its own, replicated and backed up.
ARG BASE_IMAGE=docker.io/library/debian:bookworm
FROM ${BASE_IMAGE}
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
# policy-rc.d: the package must not start (or create) a cluster of its own.
RUN printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d \
 && chmod 755 /usr/sbin/policy-rc.d \
 && mkdir -p /etc/postgresql-common/createcluster.d \
 && echo "create_main_cluster = false" \
      > /etc/postgresql-common/createcluster.d/no-main.conf \
 && apt-get update -q \
 && apt-get install -y -q --no-install-recommends postgresql-15 \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d \
 && install -d -o postgres -g postgres -m 0700 /var/lib/usms-postgres
COPY packaging/postgres-entry.sh /usr/local/bin/postgres-entry
VOLUME ["/var/lib/usms-postgres"]
EXPOSE 5432
USER postgres
ENTRYPOINT ["/usr/local/bin/postgres-entry"]
