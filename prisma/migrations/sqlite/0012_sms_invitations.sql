-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Organisation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "names" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "contact" TEXT NOT NULL DEFAULT '',
    "complaints" TEXT NOT NULL DEFAULT '',
    "minGroupSize" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "defaultLanguage" TEXT NOT NULL DEFAULT 'nl',
    "mailSenderName" TEXT,
    "phoneRegion" TEXT NOT NULL DEFAULT 'NL'
);
INSERT INTO "new_Organisation" ("complaints", "contact", "createdAt", "defaultLanguage", "id", "mailSenderName", "minGroupSize", "names", "slug", "timeZone", "version") SELECT "complaints", "contact", "createdAt", "defaultLanguage", "id", "mailSenderName", "minGroupSize", "names", "slug", "timeZone", "version" FROM "Organisation";
DROP TABLE "Organisation";
ALTER TABLE "new_Organisation" RENAME TO "Organisation";
CREATE UNIQUE INDEX "Organisation_slug_key" ON "Organisation"("slug");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

