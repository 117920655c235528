using System.Collections.Generic;
using System.Collections;
using System.Management.Automation.Language;
using System.Management.Automation;
using System;
using Saleschat.Mtls.Http.Request;
using Saleschat.Mtls.Http;

namespace Saleschat.Mtls.Completion
{
    /// <summary>Completes -Path of Invoke-SaleschatMtlsRequest with the documented API paths.</summary>
    public sealed class ApiPathCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            foreach (string path in KnownApiPaths.All)
            {
                if (path.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                {
                    // Quoted: {orgId} would otherwise be read as a script block.
                    yield return new CompletionResult("'" + path + "'", path, CompletionResultType.ParameterValue, path);
                }
            }
        }
    }
}
