-- CreateTable
CREATE TABLE "SurveyDraft" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "surveyId" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "questions" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedBy" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "SurveyDraft_surveyId_key" ON "SurveyDraft"("surveyId");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyDraft_organisationId_key" ON "SurveyDraft"("organisationId");

