# Every target is one line into the dbops CLI or a script: the logic lives in src/ and scripts/.
SESSIONS ?= 1000

.PHONY: help install test offline-images sample up-dev down-dev up-prod down-prod

help:                ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

install:             ## install dependencies (also the reference api's)
	npm ci --no-audit --no-fund

test:                ## typecheck and run every test (end-to-end ones on the Docker engine)
	npx tsx scripts/test.ts

offline-images:      ## build the local stand-ins for the postgres and node images
	npx tsx scripts/offline-images.ts

sample:              ## generate data/api_sessions.db unless it exists (SESSIONS=1000 sessions, 10 messages each)
	npx dbops sample --out data/api_sessions.db --sessions $(SESSIONS) --if-missing

up-dev:              ## start the development stack and wait until it is healthy
	npx dbops up --env development

down-dev:            ## stop the development stack (data volume kept)
	npx dbops down --env development

up-prod:             ## start the production stack and wait until it is healthy
	npx dbops up --env production

down-prod:           ## stop the production stack (data volume kept)
	npx dbops down --env production
