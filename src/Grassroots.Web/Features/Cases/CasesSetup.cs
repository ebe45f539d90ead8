namespace Grassroots.Web.Features.Cases;

/// <summary>How stages turn yellow before they turn red.</summary>
public sealed class TrafficLightOptions
{
    /// <summary>A stage is yellow once this share of its working time is used (0.8 = 80 %), red once its deadline has passed.</summary>
    public double YellowShare { get; set; } = 0.8;
}

/// <summary>评价: how long after closing a 不满意 rating reopens the case.</summary>
public sealed class RatingOptions
{
    /// <summary>Calendar days after closing within which a 不满意 rating reopens the case against the closing unit.</summary>
    public int ReopenWindowDays { get; set; } = 7;
}

public static class CasesSetup
{
    public static IServiceCollection AddCases(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SupervisionOptions>(configuration.GetSection("Supervision"));
        services.Configure<IntakeOptions>(configuration.GetSection("Intake"));
        services.Configure<TrafficLightOptions>(configuration.GetSection("TrafficLights"));
        services.Configure<RatingOptions>(configuration.GetSection("Rating"));
        services.AddSingleton<SweepOverdue>();
        services.AddHostedService<OverdueSweeper>();
        services.AddScoped<CaseIntake>();
        services.AddSingleton<DuplicateIndex>();
        services.AddSingleton<TrackingCodes>();
        services.AddSingleton<Units.UnitDirectory>();
        services.Configure<PrivacyOptions>(configuration.GetSection("Privacy"));
        services.AddSingleton<EraseExpiredContacts>();
        services.AddHostedService<ContactEraser>();
        return services;
    }

    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        app.MapCaseQueries();
        app.MapCaseIntake();
        app.MapCaseActions();
        return app;
    }
}
