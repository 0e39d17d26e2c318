using Microsoft.AspNetCore.Diagnostics;
using SettingControl.Domain;

namespace SettingControl.Host.Api;

/// <summary>
/// Two staff changing the same registrations through two nodes at the same moment: the second is told, in words, that
/// nothing was saved and to try again (409), rather than a 500. Nothing was overwritten.
/// </summary>
public sealed class KeptDocumentConflicts(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not KeptDocumentConflictException conflict)
        {
            return false;
        }

        http.Response.StatusCode = StatusCodes.Status409Conflict;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status409Conflict, Title = "Changed elsewhere at the same moment", Detail = conflict.Message },
        });
    }
}
