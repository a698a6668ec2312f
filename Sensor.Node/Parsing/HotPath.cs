using System.Runtime.CompilerServices;

namespace NerfEngine.Sensor.Parsing;

/// <summary>
/// How per-packet methods (capture-file readers, parser, flow tracker, batcher) are compiled:
/// <c>[MethodImpl(HotPath.Optimize)]</c>.
/// </summary>
/// <remarks>
/// Tiered compilation starts every method unoptimised and promotes it only after 30 calls and a quiet
/// spell of 100 ms, one method at a time, and a hot method's callees wait for their own promotion. A
/// replay of a million packets is about 0.3 s of optimised work, so most of its packets went through
/// unoptimised parser and flow code: the replay took 2.5 times as long. Methods marked with this are
/// compiled fully optimised at their first call (no tiering, hence no dynamic PGO, which code that is
/// already generic over struct sinks does not need); everything else stays tiered, so start-up does not
/// pay full optimisation for code that runs once. Small helpers are <c>AggressiveInlining</c> instead:
/// inlined into an optimised caller they need no attribute of their own.
/// <para>
/// The published executable (<c>dotnet publish</c>: one composite ReadyToRun image, compiled across assemblies
/// for the CPU level in Sensor.Node.csproj) defines <c>NERF_PRECOMPILED_HOT_PATH</c>, and these methods are then
/// precompiled like the rest: AggressiveOptimization would exclude them from the image and JIT them at start
/// (about 30 methods, tens of milliseconds of a short replay), and the image's code is as good.
/// </para>
/// <para>
/// In that image every call from one method to another goes through an indirection cell, and some through a stub as
/// well. The steps each packet takes exactly once, from one call site (flow lookup, LRU touch, counting, the clock,
/// keying, EtherType/IPv4/transport parsing, the pcap record read) are therefore <c>AggressiveInlining</c>, so the
/// replay loop is a few large methods: that saved ≈7% of a replay's CPU.
/// </para>
/// </remarks>
internal static class HotPath
{
    /// <summary>Compile at full optimisation on the first call.</summary>
#if NERF_PRECOMPILED_HOT_PATH
    public const MethodImplOptions Optimize = 0; // no flag: precompiled in the composite image
#else
    public const MethodImplOptions Optimize = MethodImplOptions.AggressiveOptimization;
#endif
}
