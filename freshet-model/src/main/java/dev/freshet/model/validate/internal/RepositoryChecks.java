package dev.freshet.model.validate.internal;

import dev.freshet.model.FeatureRepository;
import dev.freshet.model.expr.ExpressionCompiler;
import dev.freshet.model.validate.SourceMap;
import dev.freshet.model.validate.ValidationError;
import java.util.List;

/** Runs every check over every object of a repository. */
public final class RepositoryChecks {
    private RepositoryChecks() {
    }

    public static List<ValidationError> run(FeatureRepository repo, SourceMap sources, ExpressionCompiler compiler) {
        ValidationContext ctx = new ValidationContext(repo, sources, compiler);
        Names.checkObjects(ctx, repo.entities());
        Names.checkObjects(ctx, repo.sources());
        Names.checkObjects(ctx, repo.featureViews());
        Names.checkObjects(ctx, repo.onDemandFeatures());
        Names.checkObjects(ctx, repo.featureServices());
        repo.entities().forEach(e -> EntityChecks.check(ctx, e));
        repo.sources().forEach(s -> SourceChecks.check(ctx, s));
        repo.featureViews().forEach(v -> ViewChecks.check(ctx, v));
        repo.onDemandFeatures().forEach(o -> OnDemandChecks.check(ctx, o));
        repo.featureServices().forEach(s -> ServiceChecks.check(ctx, s));
        return ctx.errors();
    }
}
