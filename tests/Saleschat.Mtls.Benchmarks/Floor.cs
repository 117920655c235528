using System.Collections;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Saleschat.Mtls.Benchmarks;

/// <summary>
/// The compiled contenders that run inside the child pwsh (loaded with Import-Module on this assembly): the raw
/// platform client and its loops, the bare cmdlets' client, a lazy item source and a working-set sampler. Called
/// from bench-child.ps1 as static methods, so each loop is compiled C#, not a script block.
/// </summary>
public static class Floor
{
    public const string ApiKey = "sk_bench_Xr4Tn8Qw2Lp6Vz9Km3Hb";

    /// <summary>SocketsHttpHandler with the client certificate from PEM files, trusting only the given CA for the server.</summary>
    public static HttpClient NewClient(string certificatePath, string keyPath, string caPath, string protocol)
    {
        using var fromPem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12(fromPem.Export(X509ContentType.Pkcs12), null);
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(caPath);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = new X509CertificateCollection { certificate },
                RemoteCertificateValidationCallback = (_, server, _, errors) =>
                {
                    if (errors == SslPolicyErrors.None)
                    {
                        return true;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return server is X509Certificate2 s && chain.Build(s);
                },
            },
        };
        var client = new HttpClient(handler)
        {
            DefaultRequestVersion = protocol == "h2" ? new Version(2, 0) : new Version(1, 1),
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        client.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
        return client;
    }

    /// <summary>The shared client of the bare cmdlets (set once per child, like a session).</summary>
    public static HttpClient? Client { get; set; }

    public static string GetText(HttpClient client, Uri uri)
    {
        using var response = client.GetAsync(uri).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        return response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
    }

    /// <summary>n sequential GETs; returns how many answered <paramref name="expected"/>.</summary>
    public static int GetLoop(HttpClient client, Uri uri, int n, string expected)
    {
        int ok = 0;
        for (int i = 0; i < n; i++)
        {
            if (GetText(client, uri) == expected)
            {
                ok++;
            }
        }

        return ok;
    }

    /// <summary>
    /// n GETs with <paramref name="concurrency"/> in flight at once (the floor for -ThrottleLimit: what the platform
    /// itself gains from concurrency on this machine); returns how many answered <paramref name="expected"/>.
    /// </summary>
    public static int ConcurrentGetLoop(HttpClient client, Uri uri, int n, string expected, int concurrency)
    {
        int next = -1, ok = 0;
        async Task Worker()
        {
            while (Interlocked.Increment(ref next) < n)
            {
                using var response = await client.GetAsync(uri).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                if (await response.Content.ReadAsStringAsync().ConfigureAwait(false) == expected)
                {
                    Interlocked.Increment(ref ok);
                }
            }
        }

        Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker))).GetAwaiter().GetResult();
        return ok;
    }

    /// <summary>The body the module sends for @{ i = ..; name = .. }, built without a serializer.</summary>
    public static string BodyOf(IDictionary item) => $"{{\"i\":{item["i"]},\"name\":\"{item["name"]}\"}}";

    public static string Post(HttpClient client, Uri uri, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = client.PostAsync(uri, content).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        return response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
    }

    /// <summary>Hashtables @{ i; name } made one at a time as the pipeline pulls them: no list held in memory.</summary>
    public static IEnumerable<Hashtable> Items(int start, int count)
    {
        for (int i = start; i < start + count; i++)
        {
            yield return new Hashtable { ["i"] = i, ["name"] = "c" + i };
        }
    }

    /// <summary>The same items as an array, made before the clock starts.</summary>
    public static Hashtable[] ItemArray(int start, int count) => Items(start, count).ToArray();

    /// <summary>Samples this process's working set every 2 ms until <see cref="PeakSampler.Stop"/>.</summary>
    public static PeakSampler StartSampler() => new();
}

/// <summary>Peak working-set growth over a baseline taken after a full collection.</summary>
public sealed class PeakSampler
{
    private readonly ManualResetEventSlim _done = new();
    private readonly Thread _thread;
    private long _peak;

    public PeakSampler()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Baseline = Environment.WorkingSet;
        _peak = Baseline;
        _thread = new Thread(() =>
        {
            while (!_done.Wait(2))
            {
                _peak = Math.Max(_peak, Environment.WorkingSet);
            }
        }) { IsBackground = true };
        _thread.Start();
    }

    public long Baseline { get; }

    /// <summary>Stops sampling; returns peak growth and the growth left after a full collection, in MiB.</summary>
    public double[] Stop()
    {
        _done.Set();
        _thread.Join();
        long peak = Math.Max(_peak, Environment.WorkingSet);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long retained = Environment.WorkingSet;
        return [(peak - Baseline) / 1048576.0, (retained - Baseline) / 1048576.0];
    }
}
