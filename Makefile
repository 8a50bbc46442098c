# motcua - thin wrapper over CMake.  The two commands that matter:
#   make run    install missing Debian packages (as root), build, create the
#               SQLite database with demo data, serve http://127.0.0.1:8080
#   make test   every test, on SQLite and PostgreSQL, plus once under
#               AddressSanitizer + UndefinedBehaviorSanitizer
.POSIX:
.PHONY: all build build-all run test test-fast asan bench bench-national cluster-test deps e2e-deps screenshots clean format lint install uninstall

BUILD ?= build
ASAN_BUILD ?= build-asan
# make install: a RelWithDebInfo build of its own (the prefix is compiled
# into the binary), installed under $(DESTDIR)$(PREFIX)
INSTALL_BUILD ?= build-install
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
MOTCUA_DATA_DIR ?= var
export MOTCUA_DATA_DIR

all: build

deps:
	@bash scripts/deps.sh --install build

$(BUILD)/Makefile: CMakeLists.txt tests/CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS) --target motcua

# The server alone needs only the "build" packages; the tests (MC_TESTS=ON)
# need the "test" group too, which `make test` installs first.
build-all: deps $(BUILD)/Makefile
	cmake -S . -B $(BUILD) -DMC_TESTS=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/Makefile: CMakeLists.txt tests/CMakeLists.txt
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DMC_SANITIZE=ON -DMC_TESTS=ON >/dev/null

asan: deps $(ASAN_BUILD)/Makefile
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# A new database is migrated and seeded with the demo data; an existing one
# is only migrated.
run: build
	@if [ ! -f "$(MOTCUA_DATA_DIR)/motcua.db" ]; then ./$(BUILD)/motcua seed; else ./$(BUILD)/motcua migrate; fi
	@echo
	@echo "motcua is at http://127.0.0.1:8080  (Ctrl-C stops it)"
	@echo "Demo logins, password motcua2026:"
	@echo "  admin       system administrator"
	@echo "  quantri     agency administrator (service centre)"
	@echo "  tiepnhan    reception clerk (service centre)"
	@echo "  chuyenvien  specialist (Department of Justice)"
	@echo "  lanhdao     leader (City People's Committee)"
	@echo "  079203001234  citizen Nguyen Van An"
	@echo "  tiepnhan.p26740, chuyenvien.p26740, chutich.p26740  clerk, specialist, chairman of Phuong Sai Gon"
	@echo "  e.g. curl -s -H 'Content-Type: application/json' -d '{\"username\":\"admin\",\"password\":\"motcua2026\"}' http://127.0.0.1:8080/api/v1/auth/login"
	@echo
	@echo "Fees are paid through a VNPAY simulator the server plays (MOTCUA_PAYSIM=1): no real money moves."
	MOTCUA_PAYSIM=$${MOTCUA_PAYSIM:-1} exec ./$(BUILD)/motcua serve

# Both back-ends: scripts/test.sh starts a throwaway PostgreSQL cluster when
# MOTCUA_TEST_PG is not set, runs ctest in the normal and the sanitizer
# build, and stops the cluster.
# Prints how long it took at the end, passed or not.
test:
	@start=$$(date +%s); \
	bash scripts/deps.sh --install test && \
	$(MAKE) --no-print-directory build-all asan e2e-deps && \
	bash scripts/test.sh $(BUILD) $(ASAN_BUILD); \
	rc=$$?; t=$$(( $$(date +%s) - start )); \
	echo "make test took $$((t / 60)) min $$((t % 60)) s ($$([ $$rc = 0 ] && echo passed || echo FAILED))"; \
	exit $$rc

# Only the normal build (quicker while developing).
test-fast:
	@bash scripts/deps.sh --install test
	@$(MAKE) --no-print-directory build-all e2e-deps
	bash scripts/test.sh $(BUILD)

# The browser tests' npm packages (playwright-core, axe-core), exactly as
# tests/e2e/package-lock.json pins them; installed again only when it changes.
E2E_STAMP = tests/e2e/node_modules/.package-lock.json
e2e-deps: $(E2E_STAMP)
$(E2E_STAMP): tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error

# Screenshots of the main pages (desktop and phone) into docs/screenshots/.
screenshots: build e2e-deps
	@bash scripts/deps.sh --install test
	MOTCUA_BIN=$(BUILD)/motcua node tests/e2e/screenshots.mjs docs/screenshots

bench: build
	@bash scripts/deps.sh --install bench
	bash bench/run.sh $(BUILD)
	bash bench/dossiers.sh $(BUILD)
	bash bench/documents.sh $(BUILD)
	bash bench/signatures.sh $(BUILD)
	bash bench/notify.sh $(BUILD)
	@$(MAKE) --no-print-directory e2e-deps
	MOTCUA_BIN=$(BUILD)/motcua node bench/web.mjs

# The national rehearsal (issue 18, docs/national.md): hours at 10M
# dossiers, so not part of `make bench`.  NATIONAL_SIZES etc.: see the script.
bench-national: build
	@bash scripts/deps.sh --install bench
	bash bench/national.sh $(BUILD)

# The cluster scenarios (tests/cluster/run.sh, docs/cluster.md): PostgreSQL
# under Patroni with etcd, HAProxy, 3 servers behind a front; a rolling
# upgrade, the leader killed and a server killed under load.  A few minutes;
# the first run installs the "cluster" packages (as root).  Not in make test.
cluster-test: build
	bash tests/cluster/run.sh $(BUILD)

# Rewrite the C files as .clang-format says; `make lint` checks them (and
# runs cppcheck) as make test does.
format:
	git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]' | xargs clang-format -i

lint:
	bash scripts/lint.sh all

# Install into FHS paths (docs/operations.md, "Installing"): PREFIX/bin,
# PREFIX/share/motcua, PREFIX/lib/{systemd/system,sysusers.d,tmpfiles.d},
# /etc/motcua/motcua.conf and /etc/logrotate.d/motcua (written once, never
# overwritten); DESTDIR is honoured.  What was installed is listed in
# $(INSTALL_BUILD)/install_manifest.txt, which `make uninstall` removes.
install: deps
	cmake -S . -B $(INSTALL_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMC_TESTS=OFF \
	  -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(INSTALL_BUILD) -j $(JOBS) --target motcua-installed
	DESTDIR="$(DESTDIR)" cmake --install $(INSTALL_BUILD)

# Remove what `make install` listed, but the config file and logrotate
# file under /etc (the administrator's), and /var/lib/motcua (the data).
uninstall:
	@test -s $(INSTALL_BUILD)/install_manifest.txt || \
	  { echo "uninstall: no $(INSTALL_BUILD)/install_manifest.txt (nothing installed from this tree)" >&2; exit 1; }
	@grep -v -e '/etc/motcua/' -e '/etc/logrotate.d/' $(INSTALL_BUILD)/install_manifest.txt | \
	  while IFS= read -r f; do rm -f -- "$(DESTDIR)$$f" && echo "removed $(DESTDIR)$$f"; done
	@d="$(DESTDIR)$(PREFIX)/share/motcua"; [ ! -d "$$d" ] || find "$$d" -depth -type d -empty -delete
	@d="$(DESTDIR)$(PREFIX)/share/doc/motcua"; [ ! -d "$$d" ] || find "$$d" -depth -type d -empty -delete
	@echo "kept: /etc/motcua, /etc/logrotate.d/motcua, /var/lib/motcua and the motcua user (remove them by hand)"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(INSTALL_BUILD)
