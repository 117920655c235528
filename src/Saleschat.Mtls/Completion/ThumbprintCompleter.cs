using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Saleschat.Mtls.Completion
{
    /// <summary>Completes thumbprints from the My store (the -StoreLocation given, else CurrentUser), certificates with a key first.</summary>
    public sealed class ThumbprintCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            StoreLocation location = StoreLocation.CurrentUser;
            if (fakeBoundParameters != null && fakeBoundParameters.Contains("StoreLocation")
                && Enum.TryParse(Convert.ToString(fakeBoundParameters["StoreLocation"]), true, out StoreLocation bound))
            {
                location = bound;
            }

            var results = new List<CompletionResult>();
            try
            {
                using (var store = new X509Store(StoreName.My, location))
                {
                    store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                    foreach (X509Certificate2 certificate in store.Certificates)
                    {
                        if (certificate.Thumbprint.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
                        {
                            string tip = $"{certificate.Subject} (expires {certificate.NotAfter:yyyy-MM-dd}{(certificate.HasPrivateKey ? string.Empty : ", no private key")})";
                            results.Add(new CompletionResult(certificate.Thumbprint, certificate.Thumbprint, CompletionResultType.ParameterValue, tip));
                        }
                    }
                }
            }
            catch (CryptographicException)
            {
                // No such store on this machine (a fresh Linux account): nothing to complete.
            }

            return results;
        }
    }
}
