using System.Buffers.Binary;
using System.Net.Sockets;
using NerfEngine.Tests.ControlNode.Ingress.EveStreamer.Support;

namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer;

/// <summary>
/// Keep-alive pings on the ingress listener, seen from a hand-driven HTTP/2 connection (RFC 9113 framing): a peer that
/// stops answering is disconnected; a peer that answers stays connected.
/// </summary>
public sealed class EveStreamerKeepAliveTests
{
    private const byte Settings = 0x4;
    private const byte Ping = 0x6;
    private const byte GoAway = 0x7;
    private const byte Ack = 0x1;

    [Fact]
    public async Task A_peer_that_does_not_answer_pings_is_disconnected()
    {
        await using var host = await StartAsync();
        using var peer = await Http2Peer.ConnectAsync(host, answerPings: false);

        var (pings, closed) = await peer.RunAsync(TimeSpan.FromSeconds(20));

        Assert.True(pings >= 1, "the server never pinged the silent peer");
        Assert.True(closed, "the server kept the connection of a peer that does not answer pings");
    }

    [Fact]
    public async Task A_peer_that_answers_pings_stays_connected()
    {
        await using var host = await StartAsync();
        using var peer = await Http2Peer.ConnectAsync(host, answerPings: true);

        var (pings, closed) = await peer.RunAsync(TimeSpan.FromSeconds(4));

        Assert.True(pings >= 1, "the server never pinged the quiet peer");
        Assert.False(closed, "the server dropped a peer that answers its pings");
    }

    private static Task<EveStreamerTestHost> StartAsync() => EveStreamerTestHost.StartAsync(s =>
    {
        s["Ingress:EveStreamer:KeepAlivePingDelay"] = "00:00:01";
        s["Ingress:EveStreamer:KeepAlivePingTimeout"] = "00:00:01";
    });

    /// <summary>A client connection speaking just enough HTTP/2: preface, SETTINGS and their ACKs, PING ACKs if asked.</summary>
    private sealed class Http2Peer(TcpClient tcp, bool answerPings) : IDisposable
    {
        private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

        public static async Task<Http2Peer> ConnectAsync(EveStreamerTestHost host, bool answerPings)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(host.GrpcAddress.Host, host.GrpcAddress.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Preface);
            await stream.WriteAsync(Frame(Settings, 0, []));
            return new Http2Peer(tcp, answerPings);
        }

        /// <summary>Reads frames for up to <paramref name="duration"/>: how many pings came, and whether the server closed the connection.</summary>
        public async Task<(int Pings, bool Closed)> RunAsync(TimeSpan duration)
        {
            var stream = tcp.GetStream();
            using var stop = new CancellationTokenSource(duration);
            var pings = 0;
            var header = new byte[9];
            try
            {
                while (true)
                {
                    if (!await ReadExactlyAsync(stream, header, stop.Token))
                    {
                        return (pings, true);
                    }

                    var length = (header[0] << 16) | (header[1] << 8) | header[2];
                    var (type, flags) = (header[3], header[4]);
                    var payload = new byte[length];
                    if (!await ReadExactlyAsync(stream, payload, stop.Token))
                    {
                        return (pings, true);
                    }

                    if (type == GoAway)
                    {
                        return (pings, true);
                    }

                    if (type == Settings && (flags & Ack) == 0)
                    {
                        await stream.WriteAsync(Frame(Settings, Ack, []), stop.Token);
                    }
                    else if (type == Ping && (flags & Ack) == 0)
                    {
                        pings++;
                        if (answerPings)
                        {
                            await stream.WriteAsync(Frame(Ping, Ack, payload), stop.Token);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return (pings, false);
            }
            catch (IOException)
            {
                return (pings, true);
            }
        }

        public void Dispose() => tcp.Dispose();

        /// <summary>False when the server closed the connection first.</summary>
        private static async Task<bool> ReadExactlyAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
        {
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
                if (n == 0)
                {
                    return false;
                }

                read += n;
            }

            return true;
        }

        /// <summary>A frame on stream 0: 24-bit length, type, flags, stream id, payload.</summary>
        private static byte[] Frame(byte type, byte flags, byte[] payload)
        {
            var frame = new byte[9 + payload.Length];
            frame[0] = (byte)(payload.Length >> 16);
            frame[1] = (byte)(payload.Length >> 8);
            frame[2] = (byte)payload.Length;
            frame[3] = type;
            frame[4] = flags;
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(5), 0);
            payload.CopyTo(frame.AsSpan(9));
            return frame;
        }
    }
}
