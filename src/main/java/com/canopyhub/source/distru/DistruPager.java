package com.canopyhub.source.distru;

import com.canopyhub.sync.EntitySync;

/** Reads the next page of an entity's current window and advances the run's paging position. */
public class DistruPager {

    private final DistruClient client;

    public DistruPager(DistruClient client) {
        this.client = client;
    }

    public DistruPage nextPage(EntitySync sync) {
        DistruPage page = client.fetchPage(DistruEntity.byConfigName(sync.entity()), sync.nextPage(), sync.window());
        sync.pageFetched(page.records().size(), page.hasMore());
        return page;
    }
}
