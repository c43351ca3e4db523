# Thin wrappers around the pgkeep CLI for teams used to `make db-backup`.
# Configure with PGKEEP_DB (postgresql://user@host:port/db) and PGKEEP_REPO (folder or s3://...) in the
# environment, or pass DB=... REPO=... on the command line. The database URL reaches pgkeep through its
# environment (PGKEEP_DB), never its command line, and make does not print it: a password in it stays
# out of `ps` and the terminal. (DB=... on make's own command line is visible to `ps` while make runs:
# keep passwords in PGKEEP_DB, PGPASSWORD or ~/.pgpass.)
PGKEEP ?= bin/pgkeep
DB ?= $(PGKEEP_DB)
REPO ?= $(PGKEEP_REPO)
# db-restore: which backup (default: the newest good one) and into which database
BACKUP ?=
TARGET ?= $(DB)

.PHONY: demo example db-backup db-restore db-list test

# the whole cycle on a throwaway PostgreSQL cluster; needs only a JDK and PostgreSQL's programs
demo:
	$(PGKEEP) demo

# the example Spring Boot app; without DATABASE_URL it runs on a throwaway PostgreSQL and prints a token to try it
example:
	./mvnw -B -q -pl examples/spring-boot-app -am package -DskipTests -Dspotless.check.skip=true
	cd examples/spring-boot-app && java -jar $$(ls target/pgkeep-example-spring-boot-app-*.jar | head -n 1)

db-backup: export PGKEEP_DB := $(DB)
db-backup:
	$(PGKEEP) backup $(if $(REPO),--repo "$(REPO)")

db-restore: export PGKEEP_DB := $(TARGET)
db-restore:
	$(PGKEEP) restore $(if $(REPO),--repo "$(REPO)") \
		$(if $(BACKUP),--backup "$(BACKUP)",--latest) $(RESTORE_FLAGS)

db-list:
	$(PGKEEP) list $(if $(REPO),--repo "$(REPO)")

test:
	./mvnw -B verify
