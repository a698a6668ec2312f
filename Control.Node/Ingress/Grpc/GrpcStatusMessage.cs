using System.Text;

namespace NerfEngine.Control.Ingress.Grpc;

/// <summary>
/// The <c>grpc-message</c> value: UTF-8, then percent-encoded so the header stays printable ASCII
/// (grpc/grpc doc/PROTOCOL-HTTP2.md, "Status-Message → Percent-Encoded": bytes 0x20–0x7E pass except '%').
/// </summary>
public static class GrpcStatusMessage
{
    /// <summary>Longest message sent, in characters before encoding; longer ones are cut (clients cap trailers at 8 KiB by default).</summary>
    public const int MaxLength = 1024;

    /// <summary>Percent-encodes <paramref name="message"/> (after cutting it to <see cref="MaxLength"/>).</summary>
    public static string Encode(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Length > MaxLength)
        {
            message = string.Concat(message.AsSpan(0, MaxLength - 1), "…");
        }

        var bytes = Encoding.UTF8.GetBytes(message);
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(Convert.ToHexString([b]));
            }
        }

        return sb.ToString();
    }
}
