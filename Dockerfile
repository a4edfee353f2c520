# luagate in a container: a Swift 6 build stage that makes the Debian package, and a
# debian:bookworm-slim runtime stage that installs it and runs as a non-root user.
#   docker build -t registry.example.com/luagate:0.1.0 .
#   docker run --rm -e AI_GATEWAY_API_KEY registry.example.com/luagate:0.1.0 /jobs/job.lua
FROM swift:6.0-bookworm AS build
WORKDIR /src
COPY . .
RUN scripts/package.sh > /tmp/deb-path && cp "$(cat /tmp/deb-path)" /tmp/luagate.deb

FROM debian:bookworm-slim
COPY --from=build /tmp/luagate.deb /tmp/luagate.deb
COPY scripts/package/install.sh /usr/local/sbin/install-luagate
RUN /usr/local/sbin/install-luagate /tmp/luagate.deb && rm -rf /tmp/luagate.deb /var/lib/apt/lists/*
USER luagate
WORKDIR /var/lib/luagate
ENTRYPOINT ["luagate"]
