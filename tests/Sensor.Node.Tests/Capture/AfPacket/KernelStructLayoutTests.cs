using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Tests.SensorNode.Capture.AfPacket;

/// <summary>
/// Every struct the capture code shares with the kernel or libpcap is checked against what a C compiler
/// makes of the real headers (linux/if_packet.h, linux/filter.h, poll.h, pcap/bpf.h): field offsets and
/// sizes, so the C# mirrors can never drift from the kernel's layout.
/// </summary>
public sealed class KernelStructLayoutTests
{
    /// <summary>(C struct, C field path, C# type, C# field).</summary>
    private static readonly (string CStruct, string CField, Type Managed, string ManagedField)[] Fields =
    [
        ("struct tpacket_req3", "tp_block_size", typeof(TPacketReq3), nameof(TPacketReq3.BlockSize)),
        ("struct tpacket_req3", "tp_block_nr", typeof(TPacketReq3), nameof(TPacketReq3.BlockCount)),
        ("struct tpacket_req3", "tp_frame_size", typeof(TPacketReq3), nameof(TPacketReq3.FrameSize)),
        ("struct tpacket_req3", "tp_frame_nr", typeof(TPacketReq3), nameof(TPacketReq3.FrameCount)),
        ("struct tpacket_req3", "tp_retire_blk_tov", typeof(TPacketReq3), nameof(TPacketReq3.RetireBlockTimeoutMs)),
        ("struct tpacket_req3", "tp_sizeof_priv", typeof(TPacketReq3), nameof(TPacketReq3.SizeOfPrivate)),
        ("struct tpacket_req3", "tp_feature_req_word", typeof(TPacketReq3), nameof(TPacketReq3.FeatureRequestWord)),
        ("struct tpacket_stats_v3", "tp_packets", typeof(TPacketStatsV3), nameof(TPacketStatsV3.Packets)),
        ("struct tpacket_stats_v3", "tp_drops", typeof(TPacketStatsV3), nameof(TPacketStatsV3.Drops)),
        ("struct tpacket_stats_v3", "tp_freeze_q_cnt", typeof(TPacketStatsV3), nameof(TPacketStatsV3.FreezeQueueCount)),
        ("struct tpacket_block_desc", "version", typeof(TPacketBlockDesc), nameof(TPacketBlockDesc.Version)),
        ("struct tpacket_block_desc", "offset_to_priv", typeof(TPacketBlockDesc), nameof(TPacketBlockDesc.OffsetToPrivate)),
        ("struct tpacket_block_desc", "hdr.bh1.block_status", typeof(TPacketBlockDesc), nameof(TPacketBlockDesc.BlockStatus)),
        ("struct tpacket_block_desc", "hdr.bh1.num_pkts", typeof(TPacketBlockDesc), nameof(TPacketBlockDesc.PacketCount)),
        ("struct tpacket_block_desc", "hdr.bh1.offset_to_first_pkt", typeof(TPacketBlockDesc), nameof(TPacketBlockDesc.OffsetToFirstPacket)),
        ("struct tpacket_block_desc", "hdr.bh1.blk_len", typeof(TPacketBlockDesc), nameof(TPacketBlockDesc.BlockLength)),
        ("struct tpacket_block_desc", "hdr.bh1.seq_num", typeof(TPacketBlockDesc), nameof(TPacketBlockDesc.SequenceNumber)),
        ("struct tpacket_block_desc", "hdr.bh1.ts_first_pkt.ts_sec", typeof(TPacketBlockDesc), nameof(TPacketBlockDesc.FirstPacketSeconds)),
        ("struct tpacket_block_desc", "hdr.bh1.ts_first_pkt.ts_nsec", typeof(TPacketBlockDesc), nameof(TPacketBlockDesc.FirstPacketNanoseconds)),
        ("struct tpacket_block_desc", "hdr.bh1.ts_last_pkt.ts_sec", typeof(TPacketBlockDesc), nameof(TPacketBlockDesc.LastPacketSeconds)),
        ("struct tpacket_block_desc", "hdr.bh1.ts_last_pkt.ts_nsec", typeof(TPacketBlockDesc), nameof(TPacketBlockDesc.LastPacketNanoseconds)),
        ("struct tpacket3_hdr", "tp_next_offset", typeof(TPacket3Hdr), nameof(TPacket3Hdr.NextOffset)),
        ("struct tpacket3_hdr", "tp_sec", typeof(TPacket3Hdr), nameof(TPacket3Hdr.Seconds)),
        ("struct tpacket3_hdr", "tp_nsec", typeof(TPacket3Hdr), nameof(TPacket3Hdr.Nanoseconds)),
        ("struct tpacket3_hdr", "tp_snaplen", typeof(TPacket3Hdr), nameof(TPacket3Hdr.SnapLength)),
        ("struct tpacket3_hdr", "tp_len", typeof(TPacket3Hdr), nameof(TPacket3Hdr.Length)),
        ("struct tpacket3_hdr", "tp_status", typeof(TPacket3Hdr), nameof(TPacket3Hdr.Status)),
        ("struct tpacket3_hdr", "tp_mac", typeof(TPacket3Hdr), nameof(TPacket3Hdr.MacOffset)),
        ("struct tpacket3_hdr", "tp_net", typeof(TPacket3Hdr), nameof(TPacket3Hdr.NetOffset)),
        ("struct tpacket3_hdr", "hv1.tp_rxhash", typeof(TPacket3Hdr), nameof(TPacket3Hdr.RxHash)),
        ("struct tpacket3_hdr", "hv1.tp_vlan_tci", typeof(TPacket3Hdr), nameof(TPacket3Hdr.VlanTci)),
        ("struct tpacket3_hdr", "hv1.tp_vlan_tpid", typeof(TPacket3Hdr), nameof(TPacket3Hdr.VlanTpid)),
        ("struct tpacket3_hdr", "tp_padding", typeof(TPacket3Hdr), nameof(TPacket3Hdr.Padding)),
        ("struct sockaddr_ll", "sll_family", typeof(SockAddrLl), nameof(SockAddrLl.Family)),
        ("struct sockaddr_ll", "sll_protocol", typeof(SockAddrLl), nameof(SockAddrLl.Protocol)),
        ("struct sockaddr_ll", "sll_ifindex", typeof(SockAddrLl), nameof(SockAddrLl.InterfaceIndex)),
        ("struct sockaddr_ll", "sll_hatype", typeof(SockAddrLl), nameof(SockAddrLl.HardwareType)),
        ("struct sockaddr_ll", "sll_pkttype", typeof(SockAddrLl), nameof(SockAddrLl.PacketType)),
        ("struct sockaddr_ll", "sll_halen", typeof(SockAddrLl), nameof(SockAddrLl.AddressLength)),
        ("struct sockaddr_ll", "sll_addr", typeof(SockAddrLl), nameof(SockAddrLl.Address)),
        ("struct pollfd", "fd", typeof(PollFd), nameof(PollFd.Fd)),
        ("struct pollfd", "events", typeof(PollFd), nameof(PollFd.Events)),
        ("struct pollfd", "revents", typeof(PollFd), nameof(PollFd.ReturnedEvents)),
        ("struct sock_filter", "code", typeof(SockFilter), "<Code>k__BackingField"),
        ("struct sock_filter", "jt", typeof(SockFilter), "<JumpTrue>k__BackingField"),
        ("struct sock_filter", "jf", typeof(SockFilter), "<JumpFalse>k__BackingField"),
        ("struct sock_filter", "k", typeof(SockFilter), "<K>k__BackingField"),
        ("struct sock_fprog", "len", typeof(SockFprog), nameof(SockFprog.Length)),
        ("struct sock_fprog", "filter", typeof(SockFprog), nameof(SockFprog.Filter)),
        ("struct bpf_program", "bf_len", typeof(BpfProgram), nameof(BpfProgram.Length)),
        ("struct bpf_program", "bf_insns", typeof(BpfProgram), nameof(BpfProgram.Instructions)),
    ];

    private static readonly (string CStruct, Type Managed)[] Sizes =
    [
        ("struct tpacket_req3", typeof(TPacketReq3)),
        ("struct tpacket_stats_v3", typeof(TPacketStatsV3)),
        ("struct tpacket_block_desc", typeof(TPacketBlockDesc)),
        ("struct tpacket3_hdr", typeof(TPacket3Hdr)),
        ("struct sockaddr_ll", typeof(SockAddrLl)),
        ("struct pollfd", typeof(PollFd)),
        ("struct sock_filter", typeof(SockFilter)),
        ("struct bpf_insn", typeof(SockFilter)),
        ("struct sock_fprog", typeof(SockFprog)),
        ("struct bpf_program", typeof(BpfProgram)),
    ];

    [Fact]
    public void Struct_mirrors_match_the_C_headers_field_by_field()
    {
        var source = new System.Text.StringBuilder("""
            #include <stddef.h>
            #include <stdio.h>
            #include <poll.h>
            #include <linux/if_packet.h>
            #include <linux/filter.h>
            #include <sys/types.h>
            #include <pcap/bpf.h>
            int main(void) {

            """);
        foreach (var (cStruct, cField, _, _) in Fields)
        {
            source.AppendLine($"  printf(\"{cStruct}.{cField}=%zu\\n\", offsetof({cStruct}, {cField}));");
        }
        foreach (var (cStruct, _) in Sizes)
        {
            source.AppendLine($"  printf(\"sizeof({cStruct})=%zu\\n\", sizeof({cStruct}));");
        }
        source.AppendLine("  return 0;\n}");

        Dictionary<string, int> c = CompileAndRun(source.ToString())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('='))
            .ToDictionary(parts => parts[0], parts => int.Parse(parts[1]));

        var mismatches = new List<string>();
        foreach (var (cStruct, cField, managed, managedField) in Fields)
        {
            int expected = c[$"{cStruct}.{cField}"];
            int actual = (int)Marshal.OffsetOf(managed, managedField);
            if (expected != actual)
            {
                mismatches.Add($"{cStruct}.{cField}: C {expected}, {managed.Name}.{managedField} {actual}");
            }
        }
        foreach (var (cStruct, managed) in Sizes)
        {
            int expected = c[$"sizeof({cStruct})"];
            int actual = SizeOf(managed);
            if (expected != actual)
            {
                mismatches.Add($"sizeof({cStruct}): C {expected}, {managed.Name} {actual}");
            }
        }
        Assert.Empty(mismatches);
        Assert.Equal(TPacketBlockDesc.BlockStatusOffset, c["struct tpacket_block_desc.hdr.bh1.block_status"]);
    }

    private static int SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;

    private static string CompileAndRun(string source)
    {
        string compiler = new[] { Environment.GetEnvironmentVariable("CC"), "/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang" }
            .FirstOrDefault(path => !string.IsNullOrEmpty(path) && File.Exists(path))
            ?? throw new InvalidOperationException("No C compiler found (tried $CC, cc, gcc, clang); install one: apt-get install gcc");
        string dir = Path.Combine(Path.GetTempPath(), "nerf-layout-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            string cFile = Path.Combine(dir, "layout.c");
            string exe = Path.Combine(dir, "layout");
            File.WriteAllText(cFile, source);
            Run(compiler, "-std=gnu11", "-Wall", "-Werror", cFile, "-o", exe);
            return Run(exe);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), $"{file} timed out");
        Assert.True(process.ExitCode == 0, $"{file} failed ({process.ExitCode}): {stderr.Result} — pcap/bpf.h comes with libpcap-dev");
        return stdout.Result;
    }
}
