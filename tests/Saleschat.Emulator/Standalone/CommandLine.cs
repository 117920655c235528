using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Saleschat.Emulator.Standalone;

/// <summary>The standalone program's arguments. Hand-parsed: the emulator must not need packages beyond the shared framework.</summary>
internal sealed class CommandLine
{
    public const string Usage =
        "usage: Saleschat.Emulator [--api-key KEY] [--org ORG]... [--refusal TlsAlert|CloseAfterHandshake|Http403|NginxPage]\n" +
        "                          [--upload cert.pem]... [--ca-out path] [--ignore-stdin]\n" +
        "                          [--protocols Http1|Http2|Http1AndHttp2]\n" +
        "  --api-key    the only API key accepted as Authorization: Bearer <key> (default test-api-key).\n" +
        "  --org        an org id the key may use, repeatable (default org-1 alone); others answer 403 4030001.\n" +
        "  --upload     a client certificate (PEM) registered from the start; later ones are registered with\n" +
        "               POST <controlUri>/certificates, body the PEM (Content-Type application/x-pem-file):\n" +
        "               the web app's Settings > mTLS > Upload Certificate. DELETE <controlUri>/certificates forgets them.\n" +
        "  --ca-out     writes the CA of the emulator's server certificate there (for -ServerCertificateAuthority).\n" +
        "  --ignore-stdin  keep running when stdin closes. Without it the emulator stops when stdin ends, so in the\n" +
        "               background (cmd &, nohup, a job with stdin from /dev/null) it exits at once: add --ignore-stdin\n" +
        "               there, and stop it with SIGTERM.\n" +
        "  --protocols  the HTTP versions offered through ALPN on the mTLS port (default Http1AndHttp2);\n" +
        "               Http1 is an edge without h2, as many proxies and load balancers are.\n" +
        "  --refusal    how an unregistered client certificate is refused: a TLS alert (default), a close right after the\n" +
        "               handshake, 403 with code 4030002, or nginx's 400 page \"The SSL certificate error\".\n" +
        "Prints one JSON line {\"baseUri\",\"controlUri\",\"caPem\"} (the mTLS address, the plain-HTTP control address\n" +
        "  on 127.0.0.1, the --ca-out path) and runs until stdin closes (unless --ignore-stdin) or SIGTERM/Ctrl+C.\n" +
        "The hello call: GET <baseUri>/v4/orgs/<org>/mtls/hello with a registered client certificate.\n" +
        "Fault routes (behind the API key): /__faults/status/{code}?times=&key=&retryAfter=, /__faults/slow?ms=,\n" +
        "  /__faults/drop?times=, /__faults/large?bytes=, /__faults/echo, /__faults/text,\n" +
        "  /__faults/json?bytes= (a JSON array at least that long), /__faults/endless?type=json|octet (a body with no end),\n" +
        "  /__faults/comments?count=&shape=array|object|mixed&depth= (valid JSON full of /**/ comments),\n" +
        "  /__faults/gzipbomb?bytes= (that many zeros, gzip-compressed; default 4 GiB),\n" +
        "  /__faults/hostile-error?status=&bytes=&format=json|text (a large error body full of terminal escapes).";

    public EmulatorOptions Options { get; } = new() { LogToStandardError = true };

    public List<string> Uploads { get; } = [];

    public string? CaOut { get; private set; }

    /// <summary>For runs without a usable stdin (e.g. a background job whose stdin is /dev/null).</summary>
    public bool IgnoreStdin { get; private set; }

    public bool ShowHelp { get; private set; }

    /// <exception cref="FormatException">An unknown option or a missing or invalid value.</exception>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new CommandLine();
        var orgs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--api-key":
                    result.Options.ApiKey = ValueAfter(args, ref i);
                    break;
                case "--org":
                    orgs.Add(ValueAfter(args, ref i));
                    break;
                case "--refusal":
                    var mode = ValueAfter(args, ref i);
                    result.Options.Refusal = Enum.TryParse<RefusalMode>(mode, ignoreCase: true, out var refusal) && Enum.IsDefined(refusal)
                        ? refusal
                        : throw new FormatException($"--refusal: unknown mode '{mode}'");
                    break;
                case "--protocols":
                    var protocols = ValueAfter(args, ref i);
                    result.Options.Protocols = Enum.TryParse<HttpProtocols>(protocols, ignoreCase: true, out var offered)
                                               && offered is HttpProtocols.Http1 or HttpProtocols.Http2 or HttpProtocols.Http1AndHttp2
                        ? offered
                        : throw new FormatException($"--protocols: unknown value '{protocols}' (Http1, Http2 or Http1AndHttp2)");
                    break;
                case "--upload":
                    result.Uploads.Add(ValueAfter(args, ref i));
                    break;
                case "--ca-out":
                    result.CaOut = ValueAfter(args, ref i);
                    break;
                case "--ignore-stdin":
                    result.IgnoreStdin = true;
                    break;
                case "-h" or "--help":
                    result.ShowHelp = true;
                    break;
                default:
                    throw new FormatException($"unknown argument '{args[i]}'");
            }
        }

        // --org replaces the default org set rather than adding to it, so a script gets exactly the orgs it named.
        if (orgs.Count > 0)
        {
            result.Options.OrgIds.Clear();
            orgs.ForEach(org => result.Options.OrgIds.Add(org));
        }

        return result;
    }

    private static string ValueAfter(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count)
        {
            throw new FormatException($"{args[i]} needs a value");
        }

        return args[++i];
    }
}
