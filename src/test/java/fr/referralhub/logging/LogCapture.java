package fr.referralhub.logging;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * Captures every log line of the whole JVM (root logger) with a given encoder while open, with some loggers made
 * more talkative for the time being; closing puts everything back.
 */
final class LogCapture implements AutoCloseable {

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    private final Map<String, Level> previousLevels = new HashMap<>();

    LogCapture(Encoder<ILoggingEvent> encoder, Map<String, Level> levels) {
        encoder.setContext(context);
        encoder.start();
        appender.setContext(context);
        appender.setName("log-capture");
        appender.setEncoder(encoder);
        appender.setImmediateFlush(true);
        appender.setOutputStream(lines);
        appender.start();
        levels.forEach((name, level) -> {
            Logger logger = context.getLogger(name);
            previousLevels.put(name, logger.getLevel());
            logger.setLevel(level);
        });
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    /** What was logged so far. */
    String text() {
        synchronized (lines) {
            return lines.toString(StandardCharsets.UTF_8);
        }
    }

    List<String> lines() {
        return text().lines().toList();
    }

    @Override
    public void close() {
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        appender.stop();
        previousLevels.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }
}
