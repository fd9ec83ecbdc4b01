# reflector: one image for `reflector worker`, `reflector process` and the other commands.
# Built with the project's own scripts, so the image has exactly what scripts/setup installs.
#   docker build -t reflector .
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
 && scripts/setup release \
 && install -m 755 build/release/src/app/reflector /usr/local/bin/reflector

FROM debian:12
# The shared libraries the binary links (FFmpeg, PocketSphinx and its en-us model, libcurl,
# SOCI with PostgreSQL and SQLite, spdlog, libstemmer), WordNet's word lists for the offline
# summariser, and ffmpeg/curl for operators.
RUN apt-get update && apt-get install -y --no-install-recommends \
      ca-certificates curl ffmpeg pocketsphinx-en-us libpocketsphinx3 libsphinxbase3 \
      libcurl4 libsoci-core4.0 libsoci-postgresql4.0 libsoci-sqlite3-4.0 libpq5 libsqlite3-0 \
      libspdlog1.10 libfmt9 libstemmer0d wordnet-base \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/reflector /usr/local/bin/reflector
RUN useradd --system --create-home --home-dir /var/lib/reflector reflector
USER reflector
ENV DATA_DIR=/var/lib/reflector
WORKDIR /var/lib/reflector
ENTRYPOINT ["reflector"]
CMD ["--help"]
