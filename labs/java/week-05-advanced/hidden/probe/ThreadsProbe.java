import dev.shelf.fanout.FanOut;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The harness's own caller of the learner's module (jmodule.threads.virtual): compiled from
 * source in the unnamed module, it reaches dev.shelf.fanout only through what the module
 * exports. It hands FanOut.all `calls` blocking calls, each a plain socket request to the
 * harness's endpoint on `port` that the endpoint holds until all of them are in flight, and
 * prints one line the check reads: how many calls there were, how many ran on a virtual
 * thread, and whether each result came back in its place. The endpoint counts what was in
 * flight; the verdict is read from both.
 */
public final class ThreadsProbe {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        Duration timeout = Duration.ofSeconds(Long.parseLong(args[2]));
        AtomicInteger virtual = new AtomicInteger();
        List<Callable<Integer>> calls = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            calls.add(() -> {
                if (Thread.currentThread().isVirtual()) {
                    virtual.incrementAndGet();
                }
                return call(port, index);
            });
        }
        List<Integer> results = FanOut.all(calls, timeout);
        int inPlace = 0;
        for (int i = 0; i < count && i < results.size(); i++) {
            inPlace += results.get(i) == i ? 1 : 0;
        }
        System.out.println("probe: calls=" + count + " virtual=" + virtual.get() + " results=" + results.size()
                + " in_place=" + inPlace);
    }

    /** One blocking request: the endpoint answers with the index it was sent, once it lets the calls go. */
    private static int call(int port, int index) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /hold/" + index + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return Integer.parseInt(response.substring(response.indexOf("\r\n\r\n") + 4).strip());
        }
    }
}
