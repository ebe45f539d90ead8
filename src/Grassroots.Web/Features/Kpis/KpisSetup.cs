namespace Grassroots.Web.Features.Kpis;

public static class KpisSetup
{
    public static IServiceCollection AddKpis(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<KpiOptions>(configuration.GetSection("Kpis"));
        services.AddSingleton<KpiFolder>();
        services.AddHostedService<KpiFoldService>();
        return services;
    }
}
