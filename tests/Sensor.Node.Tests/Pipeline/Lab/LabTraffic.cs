using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Pipeline.Lab;

/// <summary>Real conversations between two namespaces, generated with sockets created inside them.</summary>
internal static class LabTraffic
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Connects, exchanges <paramref name="rounds"/> request/response pairs, then both sides close (FIN/FIN).</summary>
    public static async Task TcpExchangeAsync(string clientNs, IPAddress client, string serverNs, IPAddress server, int port,
        int rounds, int requestBytes, int responseBytes)
    {
        using var cancel = new CancellationTokenSource(StepTimeout);
        using Socket listener = NamespaceSockets.Create(serverNs, server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(server, port));
        listener.Listen();
        using Socket connection = NamespaceSockets.Create(clientNs, client.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        connection.NoDelay = true;
        connection.Bind(new IPEndPoint(client, 0));
        Task<Socket> accepting = listener.AcceptAsync(cancel.Token).AsTask();
        await connection.ConnectAsync(new IPEndPoint(server, port), cancel.Token);
        using Socket accepted = await accepting;
        accepted.NoDelay = true;
        for (int i = 0; i < rounds; i++)
        {
            await connection.SendAsync(new byte[requestBytes], cancel.Token);
            await ReceiveExactlyAsync(accepted, requestBytes, cancel.Token);
            if (responseBytes > 0)
            {
                await accepted.SendAsync(new byte[responseBytes], cancel.Token);
                await ReceiveExactlyAsync(connection, responseBytes, cancel.Token);
            }
        }

        connection.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await accepted.ReceiveAsync(new byte[1], cancel.Token));
        accepted.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await connection.ReceiveAsync(new byte[1], cancel.Token));
    }

    /// <summary>Sends datagrams (fragmented by the kernel when larger than the MTU) and waits for each reply.</summary>
    public static async Task UdpExchangeAsync(string clientNs, IPAddress client, string serverNs, IPAddress server, int port,
        int rounds, int requestBytes, int responseBytes)
    {
        using var cancel = new CancellationTokenSource(StepTimeout);
        using Socket listener = NamespaceSockets.Create(serverNs, server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        listener.Bind(new IPEndPoint(server, port));
        using Socket sender = NamespaceSockets.Create(clientNs, client.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        sender.Bind(new IPEndPoint(client, 0));
        var buffer = new byte[65536];
        for (int i = 0; i < rounds; i++)
        {
            await sender.SendToAsync(new byte[requestBytes], new IPEndPoint(server, port), cancel.Token);
            SocketReceiveFromResult request = await listener.ReceiveFromAsync(buffer, new IPEndPoint(server.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0), cancel.Token);
            Assert.Equal(requestBytes, request.ReceivedBytes);
            await listener.SendToAsync(new byte[responseBytes], request.RemoteEndPoint, cancel.Token);
            Assert.Equal(responseBytes, await sender.ReceiveAsync(buffer, cancel.Token));
        }
    }

    /// <summary>ICMP or ICMPv6 echo requests of <paramref name="payloadBytes"/> (3000 means fragments both ways), each answered by the peer's kernel.</summary>
    public static async Task PingAsync(string clientNs, IPAddress client, IPAddress server, int count, int payloadBytes)
    {
        bool v6 = server.AddressFamily == AddressFamily.InterNetworkV6;
        using var cancel = new CancellationTokenSource(StepTimeout);
        using Socket socket = NamespaceSockets.Create(clientNs, server.AddressFamily, SocketType.Raw, v6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp);
        socket.Bind(new IPEndPoint(client, 0));
        const ushort identifier = 0x4E52;
        var buffer = new byte[65536];
        for (ushort sequence = 1; sequence <= count; sequence++)
        {
            var echo = new byte[8 + payloadBytes];
            echo[0] = v6 ? (byte)128 : (byte)8;
            BinaryPrimitives.WriteUInt16BigEndian(echo.AsSpan(4), identifier);
            BinaryPrimitives.WriteUInt16BigEndian(echo.AsSpan(6), sequence);
            if (!v6)
            {
                // The kernel fills in the ICMPv6 checksum itself (RFC 3542); ICMPv4's is ours.
                BinaryPrimitives.WriteUInt16BigEndian(echo.AsSpan(2), Frames.Checksum(echo));
            }

            await socket.SendToAsync(echo, new IPEndPoint(server, 0), cancel.Token);
            while (true)
            {
                int received = await socket.ReceiveAsync(buffer, cancel.Token);
                // An IPv4 raw socket delivers the IP header too; ICMPv6 raw sockets do not.
                int icmp = v6 ? 0 : (buffer[0] & 0x0F) * 4;
                bool reply = received >= icmp + 8 && buffer[icmp] == (v6 ? 129 : 0)
                    && BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(icmp + 6)) == sequence;
                if (reply)
                {
                    break;
                }
            }
        }
    }

    private static async Task ReceiveExactlyAsync(Socket socket, int bytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[bytes];
        int received = 0;
        while (received < bytes)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(received), cancellationToken);
            Assert.True(read > 0, "peer closed early");
            received += read;
        }
    }
}
