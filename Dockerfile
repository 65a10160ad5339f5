# The hub as a container: built with the project's own Maven wrapper, run as a non-root user.
# -Dproduction leaves the embedded platform (in-process broker and registry) out of the image.
FROM eclipse-temurin:17.0.15_6-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY schemas schemas
COPY routes routes
COPY src/main src/main
RUN ./mvnw -B -Dproduction -Dmaven.test.skip=true package

FROM eclipse-temurin:17.0.15_6-jre
RUN groupadd --system hub && useradd --system --gid hub --uid 10001 --home-dir /app hub \
 && mkdir -p /var/lib/referral-hub/drops /var/lib/referral-hub/state && chown -R 10001:hub /var/lib/referral-hub
# Training bodies' drop folders (HUB_FILE_DROPS): a volume mounted here starts owned by the hub's user.
WORKDIR /app
COPY --from=build /src/target/referral-hub-*.jar /app/referral-hub.jar
USER 10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=40s --retries=5 \
  CMD curl -fsS http://localhost:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/referral-hub.jar"]
