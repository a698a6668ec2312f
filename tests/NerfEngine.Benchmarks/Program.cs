using BenchmarkDotNet.Running;

namespace NerfEngine.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project tests/NerfEngine.Benchmarks -- --filter '*'</c>.</summary>
public static class BenchmarkProgram
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
}
