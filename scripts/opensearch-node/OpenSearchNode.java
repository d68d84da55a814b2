// One OpenSearch node in this JVM, with the HTTP transport and the common analysis plugin,
// configured by `key=value` arguments (OpenSearch settings); runs until the process is stopped.

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

public final class OpenSearchNode extends Node {
    private static final List<Class<? extends Plugin>> PLUGINS =
        Arrays.asList(Netty4Plugin.class, CommonAnalysisPlugin.class);

    private OpenSearchNode(Settings settings, Collection<Class<? extends Plugin>> plugins) {
        // The protected constructor is the one that accepts plugins from the classpath.
        super(InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "node"),
            plugins, true);
    }

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Settings settings = builder.build();
        LogConfigurator.registerErrorListener();
        LogConfigurator.configureWithoutConfig(settings);
        Node node = new OpenSearchNode(settings, PLUGINS);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception exc) {
                exc.printStackTrace();
            }
            stopped.countDown();
        }));
        node.start();
        stopped.await();
    }
}
