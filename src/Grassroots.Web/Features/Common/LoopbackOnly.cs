using System.Net;

namespace Grassroots.Web.Features.Common;

/// <summary>
/// Until accounts exist, write endpoints answer only to requests from this machine. A request without
/// a remote address comes over a local socket (or the test host) and counts as local.
/// </summary>
public sealed class LoopbackOnly : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var remote = context.HttpContext.Connection.RemoteIpAddress;
        if (remote is not null && !IPAddress.IsLoopback(remote))
        {
            return Problems.Of(
                StatusCodes.Status403Forbidden,
                "loopback-only",
                "无权访问",
                "Forbidden",
                "写入操作目前只接受本机请求。",
                "Write operations are accepted only from this machine for now.");
        }

        return await next(context);
    }
}
