# Every target is one line into the dbops CLI or a script: the logic lives in src/ and scripts/.
SESSIONS ?= 1000
ENV ?= development

.PHONY: help install lint format test offline-images dev-images sample up-dev down-dev up-prod down-prod migrate-dev migrate-prod rollback-dev rollback-prod backup restore bench-backup bench

help:                ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

install:             ## install dependencies (also the reference api's)
	npm ci --no-audit --no-fund

lint:                ## check formatting (prettier) and lint (eslint); no line over 160 characters
	npm run lint

format:              ## rewrite the formatting (prettier) and apply eslint's fixes
	npm run format

test:                ## typecheck and run every test (end-to-end ones on the Docker engine)
	npx tsx scripts/test.ts

offline-images:      ## build the local stand-ins for the postgres and node images
	npx tsx scripts/offline-images.ts

dev-images:          ## the dev stack's images: present, pulled, or (no registry) the local stand-ins, selected in .env.development.local
	npx tsx scripts/dev-images.ts

sample:              ## generate data/api_sessions.db unless it exists (SESSIONS=1000 sessions, 10 messages each)
	npx dbops sample --out data/api_sessions.db --sessions $(SESSIONS) --if-missing

up-dev: dev-images   ## start the development stack and wait until it is healthy
	npx dbops up --env development

down-dev:            ## stop the development stack (data volume kept)
	npx dbops down --env development

up-prod:             ## start the production stack and wait until it is healthy
	npx dbops up --env production

down-prod:           ## stop the production stack (data volume kept)
	npx dbops down --env production

backup:              ## back up PostgreSQL of ENV (development) into BACKUP_DIR, verified, with retention
	npx dbops backup --env $(ENV)

# FILE reaches the CLI through the environment, unexpanded, and the shell quotes it: names with
# spaces, quotes, $ or ; are one argument and never run as commands.
restore: export DBOPS_RESTORE_FILE = $(value FILE)
restore:             ## restore FILE=path into ENV (development): checked, safety backup, swapped in
	npx dbops restore --env $(ENV) -- "$$DBOPS_RESTORE_FILE"

bench-backup:        ## compare dbops backup/restore with plain docker exec pg_dump/pg_restore on a throwaway stack
	npx tsx scripts/bench-backup.ts

migrate-dev: sample dev-images ## move the dev api from SQLite to PostgreSQL (generates the sample database first if missing)
	npx dbops migrate --env development

migrate-prod:        ## move the production api to PostgreSQL (asks for confirmation)
	npx dbops migrate --env production

rollback-dev: dev-images ## point the dev api back at SQLite
	npx dbops rollback --env development

rollback-prod:       ## point the production api back at SQLite (asks for confirmation)
	npx dbops rollback --env production

bench:               ## benchmark dbops transfer against pgloader and sqlite3|psql (1M messages, 3 rounds)
	npx tsx scripts/bench-transfer.ts
