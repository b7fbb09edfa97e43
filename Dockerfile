# Build a static sparkbot binary, then run it as a non-root user with its
# bbolt file on the /data volume. .ci/run builds with the same flags, since
# CI machines have no Docker engine.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/sparkbot ./cmd/sparkbot \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sparkbot /usr/local/bin/sparkbot
# The volume must be writable by the non-root user the bot runs as.
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
ENV SPARKBOT_DB=/data/sparkbot.db
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/sparkbot"]
